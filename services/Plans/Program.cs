using Engagement.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-plans");
builder.AddMartenEventStore("plans");
builder.AddMessaging();

var app = builder.Build();
app.MapDefaultEndpoints("/api/plans");
app.Run();

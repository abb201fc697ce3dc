using Engagement.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-profiles");
builder.AddMartenEventStore("profiles");
builder.AddMessaging();

var app = builder.Build();
app.MapDefaultEndpoints("/api/profiles");
app.Run();

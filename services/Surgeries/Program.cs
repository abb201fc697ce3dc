using Engagement.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-surgeries");
builder.AddEngagementEventStore("surgeries");
builder.AddMessaging();

var app = builder.Build();
app.MapDefaultEndpoints("/api/surgeries");
app.Run();

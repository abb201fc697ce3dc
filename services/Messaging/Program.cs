using Engagement.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-messaging");
builder.AddEngagementEventStore("messaging");
builder.AddMessaging();

var app = builder.Build();
app.MapDefaultEndpoints("/api/messaging");
app.Run();

using Engagement.Messaging;
using Engagement.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-messaging");
builder.AddMartenEventStore("messaging", Config.ConfigureStore, Config.SchemaSteps, PublicEvents.Map);
builder.AddMessaging(Config.Consumers);
builder.AddMessagingService();

var app = builder.Build();
app.MapDefaultEndpoints("/api/messaging");
app.MapMessagingApi();
app.Run();

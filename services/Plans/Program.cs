using Engagement.Plans;
using Engagement.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-plans");
builder.AddMartenEventStore("plans", Config.ConfigureStore, Config.SchemaSteps, PublicEvents.Map);
builder.AddMessaging(Config.Consumers);
builder.AddPlans();

var app = builder.Build();
app.MapDefaultEndpoints("/api/plans");
app.MapPlansApi();
app.Run();

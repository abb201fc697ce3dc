using Engagement.ServiceDefaults;
using Engagement.Surgeries;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-surgeries");
builder.AddMartenEventStore("surgeries", Config.ConfigureStore, Config.SchemaSteps, PublicEvents.Map);
builder.AddMessaging(Config.Consumers);
builder.AddSurgeries();

var app = builder.Build();
app.MapDefaultEndpoints("/api/surgeries");
app.MapSurgeriesApi();
app.Run();

using Engagement.Profiles;
using Engagement.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-profiles");
builder.AddMartenEventStore("profiles", Config.ConfigureStore, Config.SchemaSteps, PublicEvents.Map);
builder.AddMessaging(Config.Consumers);
builder.AddProfiles();

var app = builder.Build();
app.MapDefaultEndpoints("/api/profiles");
app.MapProfilesApi();
app.Run();

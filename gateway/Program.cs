using Engagement.Gateway;
using Engagement.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("engagement-gateway");
builder.AddGateway();

var app = builder.Build();
app.MapGateway();
app.Run();

using Engagement.ServiceDefaults;
using Engagement.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddTelemetry("engagement-web");
builder.AddWebConsole();

var app = builder.Build();
app.MapWebConsole();
app.Run();

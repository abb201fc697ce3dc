using System.Globalization;
using Engagement.Gateway.Benchmarks;

// What the gateway costs per request: a light authenticated GET (GET /api/surgeries/areas: any role, no database)
// directly at the surgeries service and through a gateway, with the same client (32 connections by default), in
// interleaved rounds, median requests/s of each and their ratio. Then the same with the gateway's parts switched off
// one at a time through configuration (token validation, rate limiter, logging, telemetry), and all of them at once,
// to show what each one costs; the gateway's own CPU time per request is measured beside each.
//   ./engage up
//   dotnet build -c Release gateway/Engagement.Gateway.csproj
//   dotnet run -c Release --project tests/Engagement.Gateway.Benchmarks -- [--rounds N] [--seconds S] [--warmup S]
//       [--connections N] [--direct URL | --own-service] [--service-pid PID] [--path PATH] [--variants baseline,...]
// Each variant starts its own gateway (gateway/bin/Release/net10.0, on a free port, the rate limit raised) in front of
// the running service (--direct, http://127.0.0.1:8101 by default), signing tokens with .engage/signing-key
// (ENGAGE_SIGNING_KEY_FILE). The stack's own gateway on :8080 is left alone. Run it on a quiet machine: the client, the
// gateway and the service share its cores, as they do here. Defaults: 5 rounds of 10 s after 5 s of warm-up.
// CPU time per request is measured for the gateway, the client (this process) and, when its process id is known
// (--service-pid, or .engage/pids/surgeries for the default service), the service: on C cores, direct is bounded near
// C / (client + service) and through the gateway near C / (client + gateway + service), which is what the report shows.
// --own-service starts a surgeries service of the run's own instead (the worktree's Release build, its own process, database
// and virtual host, dropped at the end), so no stack is needed; pass the stack's key with ENGAGE_SIGNING_KEY_FILE.
// A smoke run: --rounds 1 --seconds 2 --warmup 1 --variants baseline,all-off.

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

int rounds = 5, seconds = 10, warmup = 5, connections = 32;
int? servicePid = null;
var ownService = false;
string? direct = null, variantList = null;
var path = "/api/surgeries/areas";
for (var i = 0; i < args.Length; i++)
{
    int Int() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n > 0
        ? n
        : throw new ArgumentException($"{args[i - 1]} needs a positive number");
    string Str() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--rounds": rounds = Int(); break;
        case "--seconds": seconds = Int(); break;
        case "--warmup": warmup = Int(); break;
        case "--connections": connections = Int(); break;
        case "--direct": direct = Str(); break;
        case "--path": path = Str(); break;
        case "--service-pid": servicePid = Int(); break;
        case "--variants": variantList = Str(); break;
        case "--own-service": ownService = true; break;
        default:
            Console.Error.WriteLine("usage: Engagement.Gateway.Benchmarks [--rounds N] [--seconds S] [--warmup S] [--connections N] [--direct URL | --own-service] [--path PATH] [--variants a,b,...]");
            Console.Error.WriteLine("variants: " + string.Join(", ", Variant.All.Select(v => v.Name)));
            return 2;
    }
}

var variants = variantList is null
    ? Variant.All
    : variantList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(n => Variant.All.SingleOrDefault(v => v.Name == n) ?? throw new ArgumentException($"No variant '{n}'. Known: {string.Join(", ", Variant.All.Select(v => v.Name))}"))
        .ToList();

Setup setup;
OwnService? own = null;
try
{
    if (ownService)
    {
        own = await OwnService.StartAsync(Setup.StackSigningKeyFile());
        direct = own.Process.Address.ToString();
        servicePid = own.Process.Process.Id;
    }

    setup = await Setup.DiscoverAsync(direct, path, servicePid);
}
catch (SetupException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    if (own is not null)
    {
        await own.DisposeAsync();
    }

    return 1;
}

await using var ownServiceStopped = own;

Console.WriteLine($"Gateway cost: GET {path}, {connections} connections, {rounds} round(s) of {seconds} s per target after {warmup} s of warm-up; " +
                  $"service {setup.Direct}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
using var client = Load.CreateClient(connections, setup.Token);
var results = new List<VariantResult>();
foreach (var variant in variants)
{
    await using var gateway = await ChildProcess.StartGatewayAsync(setup, variant);
    var target = new Uri(gateway.Address, path);
    var straight = new Uri(setup.Direct, path);
    await Load.RunAsync(client, straight, connections, TimeSpan.FromSeconds(warmup));
    await Load.RunAsync(client, target, connections, TimeSpan.FromSeconds(warmup));
    // Each variant is a fresh gateway process whose tiered compilation can run long after a fixed warm-up on a busy
    // machine (see Measured): go on until its JIT is done, for at most 20 s; the rounds also report the JIT's share.
    var settled = await Measured.SettleAsync(client, target, connections, gateway, TimeSpan.FromSeconds(20));
    Console.WriteLine($"  {variant.Name,-20} settled: {settled}");

    var direct1 = new List<Measured>();
    var through = new List<Measured>();
    for (var round = 1; round <= rounds; round++)
    {
        var d = await Measured.RunAsync(client, straight, connections, TimeSpan.FromSeconds(seconds), setup.Service, null);
        var g = await Measured.RunAsync(client, target, connections, TimeSpan.FromSeconds(seconds), setup.Service, gateway);
        direct1.Add(d);
        through.Add(g);
        Console.WriteLine($"  {variant.Name,-20} round {round}: direct {d}; gateway {g}");
    }

    results.Add(VariantResult.From(variant, direct1, through));
}

Report.Print(results);
return 0;

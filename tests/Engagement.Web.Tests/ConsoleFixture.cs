using Engagement.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.Web.Tests;

/// <summary>
/// One real stack and one browser for every console test: the machine is small, and the classes in the collection
/// run one after another. The surgeries service runs on a clock the tests move, so "after the surgery" needs no wait.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const int ApprovalThreshold = 1;

    public TestClock SurgeriesClock { get; } = new();

    /// <summary>Messaging's clock: real time, set back only while a test makes a reply that is already overdue.</summary>
    public ShiftedClock MessagingClock { get; } = new();

    public WebStack Stack { get; private set; } = null!;

    public Chromium Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stack = await WebStack.StartAsync("web", new Dictionary<string, Action<IServiceCollection>>
        {
            ["surgeries"] = s => s.AddSingleton<TimeProvider>(SurgeriesClock),
            ["messaging"] = s => s.AddSingleton<TimeProvider>(MessagingClock),
        }, new Dictionary<string, IReadOnlyDictionary<string, string?>>
        {
            // Low, so a routine alert to a handful of test residents already needs the second person.
            ["messaging"] = new Dictionary<string, string?> { ["Messaging:ApprovalThreshold"] = ApprovalThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        Chromium = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}

namespace Engagement.MartenAdditions.Tests;

/// <summary>
/// A database per test, not per class: hosts on one database elect one daemon between them, so two tests sharing one
/// would take over each other's relay.
/// </summary>
public abstract class DatabasePerTest : IAsyncLifetime
{
    protected MartenFixture Fixture { get; } = new();

    public virtual Task InitializeAsync() => Fixture.InitializeAsync();

    public virtual Task DisposeAsync() => Fixture.DisposeAsync();
}

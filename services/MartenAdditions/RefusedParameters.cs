using Npgsql;
using Polly;

namespace Engagement.MartenAdditions;

/// <summary>
/// Drops the pool's connections when PostgreSQL refuses a parameter's value (SQLSTATE class 22, "data exception":
/// NUL in text, <c>\u0000</c> in jsonb, a value out of range). Npgsql 10.0.3 leaves a connection out of step with the
/// server when such a value fails in an auto-prepared batch (Marten's queries and saves are batches): the next command
/// on that pooled connection, often someone else's request, fails with "Received unexpected backend message DataRow"
/// (reproduced in PooledConnectionTests). Input is validated before it gets here, so this is rare and a cleared pool
/// is a cheap price; keeping auto-preparation is worth about ten points of a raw INSERT.
/// </summary>
internal sealed class RefusedParameters(NpgsqlDataSource dataSource) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        for (var e = outcome.Exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: [ '2', '2', _, _, _ ] })
            {
                // Connections in use, the refused one among them, are closed when they come back instead of pooled.
                dataSource.Clear();
                break;
            }
        }

        return outcome;
    }

    private sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "refused-parameters";
    }

    public static void Install(Marten.StoreOptions options, NpgsqlDataSource dataSource)
    {
        options.ExtendPolly(b => b.AddStrategy(_ => new RefusedParameters(dataSource), new Options()));
        options.ExtendWritePolly(b => b.AddStrategy(_ => new RefusedParameters(dataSource), new Options()));
    }
}

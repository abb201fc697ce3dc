using System.Text.Json;

namespace Engagement.Web.Profiles;

// The profiles API's shapes, as the console reads them (GET /api/profiles/imports/{id}, GET /api/profiles/areas/{code}).

public sealed record ImportStatus(
    Guid Id, string Status, bool AlreadyImported, string Table, string Title, string Release, string GeographyLevel, int Rows, int RowsWritten,
    int Percent, DateTimeOffset AcceptedAt, DateTimeOffset? ImportedAt, JsonElement? Report, string? Failure)
{
    public bool Finished => Status != "importing";
}

public sealed record Share(long Count, decimal? Percentage);

public sealed record PlaceFigure(string Code, string Name, long Count, decimal? Percentage);

public sealed record Figure(string Label, string Name, long Count, decimal? Percentage, PlaceFigure District, Share Nottinghamshire, IReadOnlyList<Figure> Children);

public sealed record Source(string Table, string Title, string Date, string GeographyLevel, string Licence);

public sealed record Section(string Universe, bool LocalAuthorityFigures, string? Note, Source Source, Figure Total, IReadOnlyList<Figure> Figures);

public sealed record AreaRef(string Code, string Name, string District);

public sealed record Profile(AreaRef Area, Figure? Population, Figure? Households, Section? EthnicGroups, Section? Religion, Section? Tenure,
    Section? Languages, Section? ProficiencyInEnglish, IReadOnlyList<string> NotYetImported);

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>One series of a chart: its name (legend, table, tooltips), its colour class in console.css (s0 to s5) and a value per bar.</summary>
public sealed record ChartSeries(string Name, string ColourClass, IReadOnlyList<long> Values);

/// <summary>
/// Bar charts drawn on the server as inline SVG: no script, no library, nothing from another site (the console's CSP
/// allows none). Colours come from classes in console.css (a style attribute would be refused by the CSP). Several
/// series are stacked. Each bar carries a title (the browser shows it on hover, screen readers read it) and the figure
/// itself names what it shows; the page puts the numbers in a table under it.
/// </summary>
public static class SvgChart
{
    private const int Width = 720;
    private const int Height = 240;
    private const int Left = 52;
    private const int Right = 10;
    private const int Top = 12;
    private const int Bottom = 44;

    /// <summary>
    /// A bar chart of <paramref name="labels"/>.Count bars, one stacked segment per series. <paramref name="axisLabels"/>
    /// are the x axis's short labels (null where none is written), <paramref name="labels"/> the full ones for the titles.
    /// <paramref name="isLevel"/>: the values are levels (active links at each bar's end), not counts to add up.
    /// </summary>
    public static IHtmlContent Bars(string id, string title, string xTitle, IReadOnlyList<string> labels, IReadOnlyList<string?> axisLabels,
        IReadOnlyList<ChartSeries> series, bool isLevel = false)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(axisLabels);
        ArgumentNullException.ThrowIfNull(series);
        var encoder = HtmlEncoder.Default;
        var count = labels.Count;
        var totals = Enumerable.Range(0, count).Select(i => series.Sum(s => i < s.Values.Count ? Math.Max(0, s.Values[i]) : 0)).ToArray();
        var max = totals.Length == 0 ? 0 : totals.Max();
        var (step, top) = Scale(max);
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double slot = count == 0 ? plotWidth : plotWidth / count;
        double barWidth = Math.Max(1, slot * 0.75);
        double Y(double value) => Top + plotHeight - (value / top * plotHeight);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\" id=\"{id}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{encoder.Encode(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{encoder.Encode(Describe(title, labels, totals, series.Count > 1, isLevel))}</desc>");

        // Grid lines and the y axis's figures.
        for (long tick = 0; tick <= top; tick += step)
        {
            var y = Y(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{tick:#,0}</text>");
        }

        for (var i = 0; i < count; i++)
        {
            var x = Left + (i * slot) + ((slot - barWidth) / 2);
            double stacked = 0;
            foreach (var s in series)
            {
                var value = i < s.Values.Count ? Math.Max(0, s.Values[i]) : 0;
                if (value == 0)
                {
                    continue;
                }

                var y = Y(stacked + value);
                var height = Y(stacked) - y;
                var what = series.Count > 1 ? $"{labels[i]}: {s.Name} {value:#,0}" : $"{labels[i]}: {value:#,0}";
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"{s.ColourClass}\" x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{barWidth:0.##}\" height=\"{Math.Max(height, 0.5):0.##}\"><title>{encoder.Encode(what)}</title></rect>");
                stacked += value;
            }

            if (i < axisLabels.Count && axisLabels[i] is { } axisLabel)
            {
                var center = Left + (i * slot) + (slot / 2);
                svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{center:0.##}\" x2=\"{center:0.##}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight + 4}\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{center:0.##}\" y=\"{Top + plotHeight + 16}\" text-anchor=\"middle\">{encoder.Encode(axisLabel)}</text>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + plotHeight}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" x=\"{Left + (plotWidth / 2):0.#}\" y=\"{Height - 6}\" text-anchor=\"middle\">{encoder.Encode(xTitle)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" x=\"12\" y=\"{Top + (plotHeight / 2):0.#}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {Top + (plotHeight / 2):0.#})\">Count</text>");
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>The y axis: a step of 1, 2 or 5 times a power of ten giving at most five intervals, and the top (a multiple of it, at least 1).</summary>
    public static (long Step, long Top) Scale(long max)
    {
        if (max <= 0)
        {
            return (1, 1);
        }

        long step = 1;
        while (true)
        {
            foreach (var factor in new long[] { 1, 2, 5 })
            {
                var candidate = step * factor;
                if ((max + candidate - 1) / candidate <= 5)
                {
                    return (candidate, (max + candidate - 1) / candidate * candidate);
                }
            }

            step *= 10;
        }
    }

    private static string Describe(string title, IReadOnlyList<string> labels, long[] totals, bool stacked, bool isLevel)
    {
        if (totals.Length == 0 || totals.All(t => t == 0))
        {
            return $"{title}: none in this period. The table below has the figures.";
        }

        var highest = Array.IndexOf(totals, totals.Max());
        if (isLevel)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{title}: {totals[^1]:#,0} now; highest {totals[highest]:#,0} at {labels[highest]}. The table below has the figures.");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{title}: {totals.Sum():#,0} in total{(stacked ? ", stacked by reason" : "")}; highest {totals[highest]:#,0} at {labels[highest]}. The table below has the figures.");
    }
}

"""The trend's chart: each year's grade distribution, and each measure's share over the years.

Drawn with matplotlib (the plotting library Python's scientific world keeps up; a bar and line
chart by hand in DrawingML would be a second, untested chart engine) in the IPAex Gothic font, the
metric twin of the report's ＭＳ ゴシック that Debian ships as fonts-ipaexfont.  The PNG goes into the
Word handout as a picture; :func:`chart_description` is its alt text, saying what it shows.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from ..errors import LayoutError
from ..trend import Trend

FONT_FAMILY = "IPAexGothic"
KNOWN_PLACES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
)
GRADE_COLOURS = {"A": "#2e7d32", "B": "#9ccc65", "C": "#ffb300", "D": "#c62828"}


def ipaex_font() -> Path:
    """The IPAex Gothic file, as fontconfig finds it (``fc-match``), else where Debian puts it."""
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", FONT_FAMILY],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            found = ""
        if found and "ipaex" in Path(found).resolve().name.lower():
            return Path(found)
    for place in KNOWN_PLACES:
        if Path(place).is_file():
            return Path(place)
    raise LayoutError(
        "グラフに使う IPAex ゴシックのフォントが見つかりません（fonts-ipaexfont を入れてください）"
    )


def chart_description(trend: Trend) -> str:
    """The picture's alt text: what the chart shows, with its numbers."""
    years = [year.fiscal_year for year in trend.years]
    counts = []
    for year, distribution in zip(years, trend.distribution(), strict=True):
        counts.append(f"{year} " + "・".join(f"{letter} {n}件" for letter, n in distribution.items()))
    return (
        f"{years[0]}から{years[-1]}までの施策の評価の推移。左：年度ごとの評価の件数（"
        + "、".join(counts)
        + "）。右：施策ごとの年次目標の達成率（%）の年度ごとの折れ線"
        "（公表済みの評価だけの年度は達成率がないため点がありません）。"
    )


def trend_chart(trend: Trend) -> bytes:
    """The chart as PNG bytes (150 dpi, 10 × 4.2 inches: the width of an A4 landscape page)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font = ipaex_font()
    font_manager.fontManager.addfont(str(font))
    name = font_manager.FontProperties(fname=str(font)).get_name()
    years = [year.fiscal_year for year in trend.years]
    from cycler import cycler

    colours = cycler(color=[matplotlib.colormaps["tab20"](i) for i in range(20)])  # 13 measures, no repeats
    with matplotlib.rc_context({"font.family": name, "font.size": 9, "axes.prop_cycle": colours}):
        figure, (bars, lines) = plt.subplots(1, 2, figsize=(10, 4.2), width_ratios=[2, 3])
        bottoms = [0] * len(years)
        for letter in trend.letters:
            heights = [d[letter] for d in trend.distribution()]
            bars.bar(years, heights, bottom=bottoms, label=letter, color=GRADE_COLOURS.get(letter, "#999999"))
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        bars.set_title("年度ごとの評価の件数")
        bars.set_ylabel("施策の数")
        bars.legend(title="評価", loc="upper left", bbox_to_anchor=(1.0, 1.0))
        for row in trend.rows:
            values = [cell.percent for cell in row.cells]
            points = [(x, v) for x, v in enumerate(values) if v is not None]
            if points:
                lines.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=_short(row.ref))
        lines.set_xticks(range(len(years)), years)  # every year, also one without shares
        lines.set_xlim(-0.3, len(years) - 0.7)
        lines.set_title("施策ごとの年次目標の達成率")
        lines.set_ylabel("達成率（%）")
        lines.set_ylim(-5, 105)
        lines.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), ncol=1)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=150, metadata={"Software": None})
        plt.close(figure)
    return out.getvalue()


def _short(ref: str, limit: int = 14) -> str:
    return ref if len(ref) <= limit else ref[: limit - 1] + "…"

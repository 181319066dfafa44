"""Chart geometry for server-rendered SVG: the templates draw the rectangles these compute."""

from dataclasses import dataclass


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    tone: str = ""


def _scale(values, length: float) -> float:
    top = max([v for v in values if v] or [1])
    return length / top


def horizontal_bars(rows, *, label_width=150, bar_area=300, bar_height=15, gap=5) -> dict:
    """rows: (label, value, tone). One bar per row, longest = bar_area."""
    factor = _scale([r[1] for r in rows], bar_area)
    bars = [Bar(x=label_width, y=i * (bar_height + gap), width=max(value * factor, 1 if value else 0),
                height=bar_height, label=label, value=value, tone=tone)
            for i, (label, value, tone) in enumerate(rows)]
    return {"bars": bars, "width": label_width + bar_area + 50, "height": len(rows) * (bar_height + gap),
            "label_x": label_width - 8, "text_dy": bar_height * 0.75}


def columns(rows, *, height=150, column_width=26, gap=16, top_pad=16, axis_pad=22) -> dict:
    """rows: (label, value). Vertical columns with the value above and the label below."""
    factor = _scale([r[1] for r in rows], height)
    bars = []
    for i, (label, value) in enumerate(rows):
        h = value * factor
        bars.append(Bar(x=i * (column_width + gap), y=top_pad + height - h, width=column_width, height=h,
                        label=label, value=value))
    return {"bars": bars, "width": len(rows) * (column_width + gap), "height": top_pad + height + axis_pad,
            "baseline": top_pad + height, "label_y": top_pad + height + 15, "half": column_width / 2}


def stacked_columns(rows, series, *, height=150, column_width=48, gap=30, top_pad=16, axis_pad=22) -> dict:
    """rows: (label, {series key: value}); series: (key, label, tone) in stacking order, bottom first."""
    totals = [sum(values.get(key, 0) for key, _, _ in series) for _, values in rows]
    factor = _scale(totals, height)
    groups = []
    for i, ((label, values), total) in enumerate(zip(rows, totals, strict=True)):
        x = i * (column_width + gap)
        y = top_pad + height
        segments = []
        for key, series_label, tone in series:
            value = values.get(key, 0)
            if not value:
                continue
            h = value * factor
            y -= h
            segments.append(Bar(x=x, y=y, width=column_width, height=h, label=series_label, value=value, tone=tone))
        groups.append({"label": label, "total": total, "x": x, "center": x + column_width / 2,
                       "top": y, "segments": segments})
    return {"groups": groups, "width": len(rows) * (column_width + gap), "height": top_pad + height + axis_pad,
            "baseline": top_pad + height, "label_y": top_pad + height + 15}

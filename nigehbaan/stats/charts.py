"""Figures for the console, drawn by the installed plotly: the figure's JSON is made here and
rendered in the browser by `plotly.min.js` from the same package."""

from __future__ import annotations

import plotly.graph_objects as go

from nigehbaan.stats.model import StatTable


def figure_json(table: StatTable) -> str | None:
    """Plotly figure JSON for a table, or None when the table is better read than drawn."""
    if table.chart == "none" or not table.rows:
        return None
    figure = go.Figure()
    if table.chart == "stacked":
        series = sorted({str(row[0]) for row in table.rows})
        for name in series:
            rows = [row for row in table.rows if str(row[0]) == name]
            figure.add_bar(name=name, x=[str(row[1]) for row in rows],
                           y=[row[2] for row in rows])
        figure.update_layout(barmode="stack")
    else:
        x = [str(row[0]) for row in table.rows]
        for index, column in enumerate(table.columns[1:], start=1):
            y = [row[index] if isinstance(row[index], int | float) else None
                 for row in table.rows]
            if table.chart == "line":
                figure.add_scatter(name=column, x=x, y=y, mode="lines+markers")
            else:
                figure.add_bar(name=column, x=x, y=y)
    figure.update_layout(title=table.title, height=320, margin={"l": 40, "r": 10, "t": 40,
                                                                "b": 80},
                         showlegend=len(figure.data) > 1, template="plotly_white")
    text: str = figure.to_json()
    return text

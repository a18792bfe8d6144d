"""Small real series for the handouts, taken from the datasets shipped inside statsmodels (nothing is
downloaded) and written as CSV into the student zip, so students need neither statsmodels nor pandas: every header
line starts with ``#``, so ``np.loadtxt(path, delimiter=",")`` reads a file.

- ``data/co2_monthly.csv``: Mauna Loa atmospheric CO2 (ppm), monthly means of statsmodels' weekly
  ``co2`` dataset, March 1958 to December 2001 (526 months; the 5 months without any reading are
  interpolated linearly). Trend + yearly season: the ARIMA example.
- ``data/sunspots_yearly.csv``: yearly sunspot activity 1700-2008 (309 years), statsmodels'
  ``sunspots``. Roughly stationary with an ~11-year cycle: the AR/ARMA example.
"""

from __future__ import annotations

import io

import numpy as np


def _csv(header: str, columns: list[tuple[str, np.ndarray, str]]) -> str:
    out = io.StringIO()
    out.write("".join(f"# {line}\n" for line in header.splitlines()))
    out.write("# columns: " + ",".join(name for name, _, _ in columns) + "\n")
    for row in zip(*(values for _, values, _ in columns)):
        out.write(",".join(fmt % v for v, (_, _, fmt) in zip(row, columns)) + "\n")
    return out.getvalue()


def co2_monthly() -> str:
    from statsmodels.datasets import co2

    monthly = co2.load_pandas().data["co2"].resample("MS").mean().interpolate()
    years = monthly.index.year + (monthly.index.month - 1) / 12.0
    return _csv("Mauna Loa CO2 (ppm), monthly means of statsmodels' weekly co2 dataset (gaps interpolated).\n"
                "Source: statsmodels.datasets.co2 (Scripps/NOAA, public domain). Columns: decimal year, ppm.",
                [("year", np.asarray(years), "%.4f"), ("co2", monthly.to_numpy(), "%.3f")])


def sunspots_yearly() -> str:
    from statsmodels.datasets import sunspots

    data = sunspots.load_pandas().data
    return _csv("Yearly sunspot activity, 1700-2008.\n"
                "Source: statsmodels.datasets.sunspots (public domain). Columns: year, activity.",
                [("year", data["YEAR"].to_numpy(), "%d"), ("activity", data["SUNACTIVITY"].to_numpy(), "%.1f")])


DATASETS = {"data/co2_monthly.csv": co2_monthly, "data/sunspots_yearly.csv": sunspots_yearly}


def datasets_for(text: str) -> dict[str, str]:
    """Archive path -> CSV text of every dataset that ``text`` (a notebook) mentions.

    Raises ValueError when statsmodels (a test requirement of the kit) is not installed.
    """
    try:
        return {path: make() for path, make in DATASETS.items() if path in text}
    except ImportError as exc:
        raise ValueError(f"building the handout's data needs statsmodels ({exc}); "
                         "install requirements/test.txt (make install does)") from None

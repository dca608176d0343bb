"""The HTML report of a collation: every edition in a column, or the base with marks.

One self-contained page built on the same template, policy and script as the pairwise report
(:mod:`textver.report.html`).  The model it lays out is built by
:mod:`textver.report.collation_model`; this module only hands it to the template.  Each
differing variation unit is one navigable change, so the report's script steps, filters and
switches views exactly as it does for two texts.
"""

from __future__ import annotations

from textver.collate import Collation
from textver.report.collation_model import BitKind, collation_model
from textver.report.html import assets, environment


def render_collation_html(collation: Collation) -> str:
    """The report of a collation of several editions as one HTML document."""
    report = collation_model(collation)
    template = environment().get_template("collation.html")
    return template.render(r=report, BitKind=BitKind, **assets())

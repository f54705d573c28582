"""`index.html`: the report on one page, self-contained (no network, no files but the notebooks').

At the top, how many claims hold, are refuted, are inconclusive, in big coloured numbers and one
bar across all claims; then every claim of the catalog as a row (its quote, what was measured with
the 95% interval, the status, a link to the notebook that judged it), the notebooks run and the
machine. What a verdict says is its own text, rebuilt from its saved form, never re-formatted here.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from ..engine.results import from_saved
from .harvest import CLAIM_STATUSES, counts

COLORS = {"holds": "#2e7d32", "refuted": "#c62828", "inconclusive": "#b07800", "mixed": "#6a1b9a",
          "no verdict": "#546e7a", "failed": "#212121", "not run": "#8d8d8d", "not yet": "#b5b5b5",
          "passed": "#2e7d32"}
WORDS = {"holds": "hold", "refuted": "refuted", "inconclusive": "inconclusive", "mixed": "mixed: verdicts differ",
         "no verdict": "judged, no verdict shown", "failed": "notebook failed", "not run": "not run",
         "not yet": "not yet judged"}
MAIN = ("holds", "refuted", "inconclusive", "mixed")  # the big tiles: the claims with a verdict

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1320px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 10px}
.sub{color:#555;margin:0 0 20px}
.tiles{display:flex;gap:14px;flex-wrap:wrap;margin:8px 0 14px}
.tile{flex:1 1 170px;border-radius:10px;padding:14px 18px;color:#fff;text-decoration:none;
 box-shadow:0 1px 3px rgba(0,0,0,.2)}
.tile .n{font-size:56px;font-weight:800;line-height:1}.tile .w{font-size:17px;font-weight:600;margin-top:4px}
.tile .p{font-size:13px;opacity:.9;margin-top:2px}
.tile.small{flex:1 1 120px;padding:8px 14px}.tile.small .n{font-size:28px}.tile.small .w{font-size:13px}
.tile.zero{opacity:.35}
.bar{display:flex;height:22px;border-radius:6px;overflow:hidden;margin:6px 0 6px}
.bar div{height:100%}
.legend{color:#555;font-size:14px;margin-bottom:8px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}
th{text-align:left;border-bottom:2px solid #888;padding:6px 8px;position:sticky;top:0;background:#fff}
td{border-bottom:1px solid #e3e3e3;padding:6px 8px;vertical-align:top}
.badge{display:inline-block;color:#fff;border-radius:4px;padding:1px 7px;font-weight:700;font-size:13px;
 white-space:nowrap}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.quote{font-style:italic}.en,.dim{color:#666;font-size:13px}
.fail{color:#b71c1c}
.filter{color:#555;font-size:14px}.filter a{margin-right:10px}
"""

_SCRIPT = """
function show(status){document.querySelectorAll('#claims tbody tr').forEach(function(r){
 r.style.display=(!status||r.dataset.status===status)?'':'none'});
 document.getElementById('showing').textContent=status?('showing: '+status):'showing: all';return false}
"""


def duration(seconds: float) -> str:
    """Seconds as a reader says them: "4.2 s", "12 min 5 s"."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def badge(status: str) -> str:
    color = COLORS.get(status, "#555")
    text = "#222" if status == "not yet" else "#fff"
    return f'<span class="badge" style="background:{color};color:{text}">{esc(status)}</span>'


def render(data: Mapping[str, Any], translations: Mapping[str, str] | None = None) -> str:
    """The page for a report's dict (as results.json holds it).

    Args:
        data: the report.
        translations: claim id -> the quote in English, shown under a quote in another language.
    """
    claims, notebooks = data["claims"], data["notebooks"]
    pages = {nb["name"]: nb.get("html") for nb in notebooks}  # a claim links to a page this run wrote
    tally = counts(claims)
    title = f"perfkit report, {esc(data.get('started', ''))}"
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>",
             f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head><body><main>",
             "<h1>perfkit: the claims, measured on this machine</h1>", _subtitle(data),
             _tiles(tally), _bar(tally, len(claims)), _sentence(tally, notebooks),
             "<h2 id='claims-head'>Claims</h2>", _filter(tally), _claims(claims, translations or {}, pages),
             "<h2 id='notebooks'>Notebooks</h2>", _notebooks(notebooks),
             "<h2 id='machine'>Machine</h2>", _machine(data["machine"]),
             "</main></body></html>\n"]
    return "".join(parts)


def _subtitle(data: Mapping[str, Any]) -> str:
    machine = data.get("machine", {})
    cpu = f"{machine.get('cpu', '?')}, {machine.get('cpus', '?')} logical CPUs"
    python = f"{machine.get('implementation', 'Python')} {machine.get('python', '?')}"
    return (f"<p class='sub'>{len(data['claims'])} claims of the catalog &middot; "
            f"{len(data['notebooks'])} notebooks run in {esc(duration(float(data.get('seconds', 0))))} "
            f"&middot; budget scale &times;{float(data.get('budget_scale', 1)):g} &middot; {esc(python)} on "
            f"{esc(cpu)} &middot; started {esc(data.get('started'))} &middot; perfkit {esc(data.get('perfkit'))}</p>")


def _tiles(tally: Mapping[str, int]) -> str:
    judged = sum(tally.get(s, 0) for s in MAIN)

    def tile(status: str, small: bool) -> str:
        n = tally.get(status, 0)
        share = (f"<div class='p'>{n / judged:.0%} of the {judged} claims with a verdict</div>"
                 if judged and not small else "")
        color = COLORS[status]
        text = "#222" if status == "not yet" else "#fff"
        classes = "tile" + (" small" if small else "") + (" zero" if n == 0 else "")
        return (f"<a class='{classes}' href='#claims-head' onclick=\"return show('{status}')\" "
                f"style='background:{color};color:{text}' data-status='{status}'>"
                f"<div class='n'>{n}</div><div class='w'>{esc(WORDS[status])}</div>{share}</a>")

    main = "".join(tile(s, False) for s in MAIN)
    rest = "".join(tile(s, True) for s in CLAIM_STATUSES if s not in MAIN)
    return f"<div class='tiles'>{main}</div><div class='tiles'>{rest}</div>"


def _bar(tally: Mapping[str, int], total: int) -> str:
    if not total:
        return ""
    segments = "".join(f"<div style='width:{100 * n / total:.3f}%;background:{COLORS[s]}' "
                       f"title='{esc(s)}: {n}'></div>" for s, n in tally.items() if n)
    return f"<div class='bar'>{segments}</div>"


def _sentence(tally: Mapping[str, int], notebooks: list[Mapping[str, Any]]) -> str:
    judged = sum(tally[s] for s in MAIN)
    total = sum(tally.values())
    failed = [nb for nb in notebooks if nb["status"] == "failed"]
    text = (f"Of {total} claims, {judged} got a verdict in this run: {tally['holds']} hold, "
            f"{tally['refuted']} are refuted, {tally['inconclusive']} are inconclusive"
            + (f", {tally['mixed']} have verdicts that differ" if tally["mixed"] else "") + ". "
            f"{tally['not yet']} are not judged by any notebook yet. ")
    text += f"{len(notebooks) - len(failed)} of {len(notebooks)} notebooks ran to the end"
    if failed:
        text += "; failed: " + ", ".join(f"{nb['name']} (cell {(nb.get('failure') or {}).get('cell')})"
                                         for nb in failed)
    return f"<p class='legend'>{esc(text)}.</p>"


def _filter(tally: Mapping[str, int]) -> str:
    links = "".join(f"<a href='#claims-head' onclick=\"return show('{s}')\">{esc(s)} ({n})</a>"
                    for s, n in tally.items() if n)
    return (f"<p class='filter'><a href='#claims-head' onclick='return show(\"\")'>all</a>{links}"
            f"<span id='showing' class='dim'></span></p>")


def _verdict_lines(verdicts: list[Mapping[str, Any]]) -> str:
    """Each verdict in its own words: what was measured (95% interval) and what was claimed."""
    lines = []
    for saved in verdicts:
        try:
            verdict: Any = from_saved(dict(saved))
            measured, claimed = verdict.measured, verdict.claim_text
        except Exception:  # noqa: BLE001 - a kind this perfkit cannot rebuild: its stored text
            measured, claimed = str(saved.get("text", saved.get("kind", "?"))), ""
        mark = badge(saved.get("status", "?")) + " " if len(verdicts) > 1 else ""
        lines.append(f"<div>{mark}{esc(measured)}"
                     + (f"<div class='dim'>claimed: {esc(claimed)}</div>" if claimed else "") + "</div>")
    return "".join(lines)


def _claims(claims: list[Mapping[str, Any]], translations: Mapping[str, str],
            pages: Mapping[str, str | None]) -> str:
    rows = []
    for claim in claims:
        english = translations.get(claim["id"])
        quote = f"<span class='quote'>&ldquo;{esc(claim['quote'])}&rdquo;</span>"
        if english:
            quote += f"<div class='en'>{esc(english)}</div>"
        measured = _verdict_lines(claim["verdicts"]) or (f"<span class='dim'>{esc(claim['reason'])}</span>"
                                                         if claim.get("reason") else "")
        notebook = claim.get("notebook")
        page = pages.get(notebook) if notebook else None
        link = f"<a href='{esc(page)}'>{esc(notebook)}</a>" if page else esc(notebook)
        rows.append(f"<tr data-status='{esc(claim['status'])}'><td>{badge(claim['status'])}</td>"
                    f"<td><code>{esc(claim['id'])}</code><div class='dim'>{esc(claim['topic'])}</div></td>"
                    f"<td class='mono dim'>{esc(claim['document'])}</td><td>{quote}</td>"
                    f"<td>{measured}</td><td class='mono'>{link}</td></tr>")
    return ("<table id='claims'><thead><tr><th>status</th><th>claim</th><th>document</th><th>quote</th>"
            "<th>measured (95% interval)</th><th>notebook</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _notebooks(notebooks: list[Mapping[str, Any]]) -> str:
    rows = []
    for nb in notebooks:
        name = esc(nb["name"])
        link = f"<a href='{esc(nb['html'])}'>{name}</a>" if nb.get("html") else name
        failure = nb.get("failure")
        why = (f"<span class='fail'>cell {esc(failure.get('cell'))} (<code>{esc(failure.get('source'))}</code>): "
               f"{esc(failure.get('error'))}</span>") if failure else ""
        verdicts = sum(1 for r in nb.get("results", []) if r.get("claim"))
        rows.append(f"<tr><td class='mono'>{link}</td><td>{badge(nb['status'])}</td>"
                    f"<td>{esc(duration(float(nb['seconds'])))}</td><td>{len(nb.get('results', []))}</td>"
                    f"<td>{verdicts}</td><td>{why}</td></tr>")
    return ("<table><thead><tr><th>notebook</th><th>status</th><th>time</th><th>results shown</th>"
            "<th>verdicts on claims</th><th>failure</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _machine(machine: Mapping[str, Any]) -> str:
    rows = "".join(f"<tr><td class='mono'>{esc(key)}</td><td>{esc(_value(key, value))}</td></tr>"
                   for key, value in machine.items())
    return f"<table style='width:auto'><tbody>{rows}</tbody></table>"


def _value(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "load" and isinstance(value, list):
        return ", ".join(f"{x:.2f}" for x in value) + " (1, 5, 15 min, at the start)"
    return str(value)

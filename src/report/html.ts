import { SEVERITIES, type Finding, type Severity } from '../core/finding.js';
import { owaspTitle } from '../core/taxonomy.js';
import { TOOL_VERSION } from '../core/version.js';
import type { ScanResult } from '../engine/scan.js';
import { locationText, summarise } from './summary.js';
import { formatDuration } from './text.js';

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#8b0000',
  high: '#d1242f',
  medium: '#bf8700',
  low: '#0969da',
  info: '#6e7781',
};

/**
 * One self-contained HTML file: no network, no external script or style (a CSP forbids
 * them), every value escaped, code excerpts already redacted by the pipeline.
 */
export function writeHtml(result: ScanResult): string {
  const summary = summarise(result);
  const owaspCounts = Object.entries(summary.byOwasp).filter(([id]) => id.endsWith(':2021'));
  const owasp2025 = Object.entries(summary.byOwasp).filter(([id]) => id.endsWith(':2025'));
  const scanners = [...new Set(result.findings.map((f) => f.scanner))].sort();

  const rows = result.findings.map((finding) => findingRow(finding, result)).join('\n');
  const suppressedRows = result.suppressed
    .map((s) => `<tr><td>${esc(s.finding.severity)}</td><td><code>${esc(s.finding.ruleId)}</code></td><td>${esc(locationText(s.finding))}</td><td>${esc(s.kind === 'inSource' ? 'inline' : 'baseline')}: ${esc(s.justification)}</td></tr>`)
    .join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>secloop report: ${summary.total} findings</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#c9d1d9}
main{padding:16px 24px;max-width:1400px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:90px}
.card b{display:block;font-size:22px}.panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px;margin-bottom:16px}
.panel{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px}.panel h2{font-size:14px;margin:0 0 8px}
.bar{display:flex;align-items:center;gap:8px;margin:3px 0}.bar span.l{flex:0 0 230px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:12px}
.bar span.b{height:12px;border-radius:2px;background:#57606a}.bar span.n{font-size:12px;color:#57606a}
.filters{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}.filters input,.filters select{padding:5px 8px;border:1px solid #d0d7de;border-radius:6px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de}th,td{text-align:left;padding:6px 8px;border-top:1px solid #d8dee4;vertical-align:top}
th{background:#f6f8fa;font-size:12px}.sev{color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;white-space:nowrap}
pre{background:#f6f8fa;border:1px solid #d8dee4;border-radius:6px;padding:6px;overflow:auto;margin:6px 0 0;font-size:12px}
pre .hit{background:#fff8c5;display:block}details summary{cursor:pointer;color:#0969da}.muted{color:#57606a;font-size:12px}
</style>
</head>
<body>
<header><h1>secloop security report</h1><p>${summary.total} findings · ${summary.filesScanned} files scanned · scanners: ${esc(result.scanners.join(', ') || 'none')}${result.since ? ` · changes since ${esc(result.since)}` : ''} · secloop ${esc(TOOL_VERSION)}</p></header>
<main>
<div class="cards">
${SEVERITIES.map((s) => `<div class="card" style="border-top:3px solid ${SEVERITY_COLOR[s]}"><b>${summary.bySeverity[s]}</b>${s}</div>`).join('\n')}
<div class="card"><b>${summary.suppressed.inSource + summary.suppressed.baseline}</b>suppressed</div>
<div class="card"><b>${summary.filesSkipped}</b>files skipped</div>
</div>
<div class="panels">
${barPanel('By severity', SEVERITIES.map((s) => [s, summary.bySeverity[s], SEVERITY_COLOR[s]]))}
${barPanel('By scanner', Object.entries(summary.byScanner).map(([k, v]) => [k, v, '#57606a']))}
${barPanel('OWASP Top 10 2021', owaspCounts.map(([k, v]) => [`${k} ${owaspTitle(k) ?? ''}`, v, '#8250df']))}
${barPanel('OWASP Top 10 2025', owasp2025.map(([k, v]) => [`${k} ${owaspTitle(k) ?? ''}`, v, '#bf3989']))}
</div>
<div class="filters">
<input id="q" type="search" placeholder="Filter by text, rule, file…" aria-label="Filter">
<select id="sev" aria-label="Severity"><option value="">All severities</option>${SEVERITIES.map((s) => `<option>${s}</option>`).join('')}</select>
<select id="scanner" aria-label="Scanner"><option value="">All scanners</option>${scanners.map((s) => `<option>${esc(s)}</option>`).join('')}</select>
<span class="muted" id="count"></span>
</div>
<table id="findings">
<thead><tr><th>Severity</th><th>Finding</th><th>Location</th><th>Taxonomy</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">No findings.</td></tr>'}
</tbody>
</table>
${result.suppressed.length > 0 ? `<h2>Suppressed (${result.suppressed.length})</h2><table><thead><tr><th>Severity</th><th>Rule</th><th>Location</th><th>Why</th></tr></thead><tbody>${suppressedRows}</tbody></table>` : ''}
${result.warnings.length > 0 ? `<h2>Warnings (${result.warnings.length})</h2><ul>${result.warnings.map((w) => `<li>${esc(w.path ? `${w.path}${w.line ? `:${w.line}` : ''}: ` : '')}${esc(w.message)}</li>`).join('')}</ul>` : ''}
${result.skipped.length > 0 ? `<details><summary>Skipped files (${result.skipped.length})</summary><ul>${result.skipped.map((s) => `<li>${esc(s.path)} <span class="muted">${esc(s.reason)}${s.detail ? `: ${esc(s.detail)}` : ''}</span></li>`).join('')}</ul></details>` : ''}
<p class="muted">Scan time ${esc(formatDuration(result.durationMs))}.</p>
</main>
<script>
(function(){
  var q=document.getElementById('q'),sev=document.getElementById('sev'),sc=document.getElementById('scanner'),count=document.getElementById('count');
  var rows=[].slice.call(document.querySelectorAll('#findings tbody tr[data-sev]'));
  function apply(){var t=q.value.toLowerCase(),s=sev.value,c=sc.value,n=0;
    rows.forEach(function(r){var ok=(!s||r.dataset.sev===s)&&(!c||r.dataset.scanner===c)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);r.hidden=!ok;if(ok)n++;});
    count.textContent=n+' of '+rows.length+' shown';}
  q.addEventListener('input',apply);sev.addEventListener('change',apply);sc.addEventListener('change',apply);apply();
})();
</script>
</body>
</html>
`;
}

function findingRow(finding: Finding, result: ScanResult): string {
  const excerpt = result.excerpts.get(finding.fingerprint);
  const code = excerpt
    ? `<pre>${excerpt.lines
        .map((line, i) => {
          const n = excerpt.startLine + i;
          const hit = n >= finding.location.startLine && n <= (finding.location.endLine ?? finding.location.startLine);
          const text = `${String(n).padStart(5)}  ${esc(line)}`;
          return hit ? `<span class="hit">${text}</span>` : text;
        })
        .join('\n')}</pre>`
    : '';
  const trace = finding.trace?.length
    ? `<ol class="muted">${finding.trace.map((t) => `<li>${esc(`${t.path}:${t.startLine}`)}${t.message ? ` ${esc(t.message)}` : ''}</li>`).join('')}</ol>`
    : '';
  const fix = finding.fix ? `<div><b>Fix:</b> ${esc(finding.fix.summary)}</div>` : '';
  const also = finding.alsoReportedBy ? `<div class="muted">also reported by ${finding.alsoReportedBy.map((o) => `<code>${esc(o.ruleId)}</code>`).join(', ')}</div>` : '';
  return `<tr data-sev="${finding.severity}" data-scanner="${esc(finding.scanner)}">
<td><span class="sev" style="background:${SEVERITY_COLOR[finding.severity]}">${finding.severity}</span></td>
<td><b>${esc(finding.title)}</b> <code class="muted">${esc(finding.ruleId)}</code><div>${esc(finding.message)}</div>${also}${fix}${trace || code ? `<details><summary>code</summary>${trace}${code}</details>` : ''}</td>
<td><code>${esc(locationText(finding))}</code></td>
<td class="muted">${esc([...finding.cwe, ...finding.owasp].join(' '))}</td>
</tr>`;
}

function barPanel(title: string, data: Array<[string, number, string]>): string {
  const max = Math.max(1, ...data.map(([, n]) => n));
  const bars = data.length
    ? data.map(([label, n, color]) => `<div class="bar"><span class="l" title="${esc(label)}">${esc(label)}</span><span class="b" style="width:${Math.round((n / max) * 180)}px;background:${color}"></span><span class="n">${n}</span></div>`).join('')
    : '<div class="muted">none</div>';
  return `<div class="panel"><h2>${esc(title)}</h2>${bars}</div>`;
}

export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

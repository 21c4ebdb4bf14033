import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart, type ChartInput, type ChartRender } from '../../../src/scanners/iac/helm/chart.js';
import { DEFAULT_LIMITS, type RenderLimits } from '../../../src/scanners/iac/helm/render.js';
import { allFinishWithin } from '../../helpers/hang-guard.js';

const CHART = 'apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: "1.4.2"\n';

/** A chart in `c/` of these templates (by name under templates/), values and other files, each template rendered. */
function chartOf(templates: Record<string, string>, values = '', extra: Record<string, string> = {}): ChartInput {
  const files = new Map<string, string>([['c/Chart.yaml', CHART], ['c/values.yaml', values]]);
  for (const [name, text] of Object.entries(templates)) files.set(`c/templates/${name}`, text);
  for (const [name, text] of Object.entries(extra)) files.set(`c/${name}`, text);
  const render = [...files.keys()].filter((p) => /^c\/(?:charts\/[^/]+\/)*templates\/(?:.+\/)?[^_/][^/]*\.ya?ml$/.test(p));
  return { dir: 'c', files, render };
}

/** Renders templates (by name under templates/) of a chart in `c/`. */
function renderAll(templates: Record<string, string>, values = '', limits: RenderLimits = DEFAULT_LIMITS, extra: Record<string, string> = {}): ChartRender {
  return renderChart(chartOf(templates, values, extra), limits);
}

/** The output of one template; fails on any warning. */
function render(template: string, values = '', extra: Record<string, string> = {}): string {
  const result = renderAll({ 't.yaml': template }, values, DEFAULT_LIMITS, extra);
  assert.deepEqual(result.warnings, []);
  return result.templates[0]!.rendered.text;
}

function warnings(template: string, values = '', limits: RenderLimits = DEFAULT_LIMITS): Array<{ line?: number; message: string }> {
  return renderAll({ 't.yaml': template }, values, limits).warnings.map(({ line, message }) => ({ ...(line !== undefined ? { line } : {}), message }));
}

describe('Helm renderer: text and actions', () => {
  it('knows Sprig\'s date, duration, wrapping and encryption functions (encryption and derived passwords are placeholders)', () => {
    assert.equal(
      render('a: {{ duration 3690 }}\nb: {{ durationRound "2h10m" }} {{ durationRound 90000 }}\nc: {{ toDate "2006-01-02" "2024-03-05" | date "2006-01-02" }}\nd: {{ dateModify "24h" (toDate "2006-01-02" "2024-03-05") | date "2006-01-02" }} {{ date_modify "-1.5h" (toDate "2006-01-02" "2024-03-05") | date "15:04" }}\ne: {{ wrap 10 "one two three four" }}\nf: {{ encryptAES "k" "v" | b64dec }} {{ derivePassword 1 "long" "p" "u" "s" }}\ng: {{ duration 0 }} {{ ago now }}\n'),
      'a: 1h1m30s\nb: 2h 1d\nc: 2024-03-05\nd: 2024-03-06 22:30\ne: one two\nthree four\nf: secloop-placeholder-ciphertext secloop-placeholder-password\ng: 0s 0s\n',
    );
    assert.match(warnings('{{ mustToDate "2006-01-02" "not a date" }}')[0]!.message, /cannot parse "not a date" as a date/);
  });

  it('copies text and prints pipelines', () => {
    assert.equal(render('a: {{ "b" }}\n'), 'a: b\n');
    assert.equal(render('plain: yaml\nno: actions\n'), 'plain: yaml\nno: actions\n');
  });

  it('trims whitespace with {{- and -}} as Go does (spaces, tabs and line breaks)', () => {
    assert.equal(render('a  {{- "b" -}}  c'), 'abc');
    assert.equal(render('a {{ "b" }} c'), 'a b c');
    assert.equal(render('x\n  {{- if true }}\n  y\n  {{- end }}\n'), 'x\n  y\n');
    assert.equal(render('x:\n\t \n{{- "y" }}'), 'x:y');
    // `{{-3}}` is the number -3, not a trim marker.
    assert.equal(render('a {{-3}} b'), 'a -3 b');
  });

  it('drops comments, with and without trim markers', () => {
    assert.equal(render('a {{/* note */}} b'), 'a  b');
    assert.equal(render('a\n{{- /* multi\nline */ -}}\nb'), 'ab');
  });

  it('reads literals: strings with escapes, raw strings, characters, numbers, booleans', () => {
    assert.equal(render('{{ "a\\tb\\"c\\u00e9" }}'), 'a\tb"cé');
    assert.equal(render('{{ `raw\\n` }}'), 'raw\\n');
    assert.equal(render("{{ 'a' }} {{ 0x10 }} {{ 1_000 }} {{ 017 }} {{ -2 }}"), '97 16 1000 15 -2');
    assert.equal(render('{{ 1.5 }} {{ 1e6 }} {{ 2.0 }} {{ true }} {{ false }}'), '1.5 1e+06 2 true false');
  });

  it('prints values as Go does: missing values as nothing, lists and maps in Go syntax, large float64 in exponent form', () => {
    const values = 'big: 1000000\nsmall: 80\nf: 1.5\nl: [a, 1]\nm: {b: 2, a: x}\nnull_value: ~\n';
    assert.equal(render('{{ .Values.missing }}|{{ .Values.null_value }}|{{ .Values.big }}|{{ .Values.small }}|{{ .Values.f }}', values), '||1e+06|80|1.5');
    assert.equal(render('{{ .Values.l }} {{ .Values.m }}', values), '[a 1] map[a:x b:2]');
  });
});

describe('Helm renderer: fields, variables and pipelines', () => {
  const values = 'image:\n  repository: nginx\n  tag: "1.27"\nlist: [a, b]\nname: web\n';

  it('follows field chains on dot, $, variables and parenthesised pipelines', () => {
    assert.equal(render('{{ .Values.image.repository }}:{{ $.Values.image.tag }}', values), 'nginx:1.27');
    assert.equal(render('{{ $img := .Values.image }}{{ $img.tag }}', values), '1.27');
    assert.equal(render('{{ (index .Values.list 1) }} {{ (dict "k" "v").k }}', values), 'b v');
  });

  it('errors on a field of a missing value inside a chain, and gives no value through parentheses or variables (as Go does)', () => {
    assert.match(warnings('a: {{ .Values.missing.x }}', values)[0]!.message, /nil pointer evaluating interface \{\}\.x/);
    assert.equal(render('a: {{ (.Values.missing).x }}|{{ $m := .Values.missing }}{{ $m.y }}', values), 'a: |');
    assert.equal(render('{{ ((.Values.image.resources).limits).cpu | default 1 }}', values), '1');
  });

  it('declares, assigns and scopes variables', () => {
    assert.equal(render('{{ $x := "hi" }}{{ $x | upper }}'), 'HI');
    assert.equal(render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}'), '2');
    assert.match(warnings('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}')[0]!.message, /undefined variable: \$y/);
  });

  it('passes the piped value as the last argument', () => {
    assert.equal(render('{{ .Values.name | printf "%s-%s" "app" | upper | quote }}', values), '"APP-WEB"');
    assert.equal(render('{{ .Values.missing | default "x" }}', values), 'x');
  });

  it('evaluates and/or lazily and returns the deciding operand', () => {
    assert.equal(render('{{ and 1 0 2 }} {{ or 0 "" "z" }} {{ or 0 "" }}|'), '0 z |');
    // The second operand would fail if evaluated.
    assert.equal(render('{{ if and .Values.missing .Values.missing.x }}y{{ else }}n{{ end }}', values), 'n');
  });
});

describe('Helm renderer: control structures', () => {
  const values = 'a: false\nb: true\nm:\n  k: v\nlist: [x, w, z]\nmap: {b: 2, a: 1}\nempty: []\n';

  it('if / else if / else', () => {
    const t = '{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}';
    assert.equal(render(t, values), 'B');
    assert.equal(render(t, 'a: 0\nb: ""\n'), 'C');
  });

  it('with / else, and else with', () => {
    assert.equal(render('{{ with .Values.m }}{{ .k }}{{ else }}none{{ end }}', values), 'v');
    assert.equal(render('{{ with .Values.missing }}{{ . }}{{ else with .Values.m }}{{ .k }}{{ end }}', values), 'v');
    assert.equal(render('{{ with .Values.missing }}{{ . }}{{ else }}none{{ end }}', values), 'none');
  });

  it('range over lists, maps (sorted keys), integers, with index and value variables, else, break and continue', () => {
    assert.equal(render('{{ range .Values.list }}{{ . }}{{ end }}', values), 'xwz');
    assert.equal(render('{{ range $i, $v := .Values.list }}{{ $i }}={{ $v }} {{ end }}', values), '0=x 1=w 2=z ');
    assert.equal(render('{{ range $k, $v := .Values.map }}{{ $k }}={{ $v }};{{ end }}', values), 'a=1;b=2;');
    assert.equal(render('{{ range .Values.empty }}x{{ else }}empty{{ end }}|{{ range .Values.missing }}x{{ end }}', values), 'empty|');
    assert.equal(render('{{ range 3 }}{{ . }}{{ end }}'), '012');
    assert.equal(render('{{ range .Values.list }}{{ if eq . "w" }}{{ continue }}{{ end }}{{ if eq . "z" }}{{ break }}{{ end }}{{ . }}{{ end }}', values), 'x');
    assert.equal(render('{{ range .Values.list }}{{ $.Values.m.k }}{{ end }}', values), 'vvv');
  });

  it('define, template, include and block', () => {
    const helpers = { 'templates/_helpers.tpl': '{{- define "demo.name" -}}\n{{ .Chart.Name }}-x\n{{- end }}\n{{ define "demo.dot" }}[{{ . }}]{{ end }}' };
    assert.equal(render('{{ include "demo.name" . }} {{ template "demo.dot" "v" }} {{ include "demo.dot" (list 1 2) }}', '', helpers), 'demo-x [v] [[1 2]]');
    assert.equal(render('{{ block "demo.block" . }}default {{ .Release.Name }}{{ end }}'), 'default release-name');
    // A template of the chart can be included by its path (the checksum annotation idiom).
    const result = renderAll({ 'cm.yaml': 'data: 1\n', 'd.yaml': 'sum: {{ include (print $.Template.BasePath "/cm.yaml") . | sha256sum | trunc 8 }}\n' });
    assert.deepEqual(result.warnings, []);
    assert.match(result.templates.find((t) => t.path === 'c/templates/d.yaml')!.rendered.text, /^sum: [0-9a-f]{8}\n$/);
    // So can a partial of another name than .tpl, whose name starts with `_`.
    const script = renderAll({ '_create_bucket.txt': '#!/bin/sh\nmc mb {{ .Values.bucket }}\n', 'cm.yaml': 'data:\n  create.sh: |\n{{ include (print $.Template.BasePath "/_create_bucket.txt") . | indent 4 }}\n' }, 'bucket: shop\n');
    assert.deepEqual(script.warnings, []);
    assert.equal(script.templates.find((t) => t.path === 'c/templates/cm.yaml')!.rendered.text, 'data:\n  create.sh: |\n    #!/bin/sh\n    mc mb shop\n    \n');
  });
});

describe('Helm renderer: built-in objects', () => {
  it('Release, Chart (capitalised fields), Capabilities, Template and Files', () => {
    assert.equal(render('{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.Service }} {{ .Release.IsInstall }} {{ .Release.Revision }}'), 'release-name default Helm true 1');
    assert.equal(render('{{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Chart.APIVersion }}'), 'demo 0.1.0 1.4.2 v2');
    assert.match(warnings('{{ .Chart.Nonexistent }}')[0]!.message, /can't evaluate field Nonexistent/);
    assert.equal(render('{{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.GitVersion }} {{ .Capabilities.APIVersions.Has "policy/v1" }}'), 'v1.30.0 v1.30.0 true');
    assert.equal(render('{{ .Template.Name }} {{ .Template.BasePath }}'), 'demo/templates/t.yaml demo/templates');
    // helm template's default version set: built-in group/versions, neither kinds nor custom resources.
    assert.equal(
      render('{{ .Capabilities.APIVersions.Has "v1" }} {{ .Capabilities.APIVersions.Has "autoscaling/v2" }} {{ .Capabilities.APIVersions.Has "apps/v1/Deployment" }} {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }} {{ .Capabilities.APIVersions.Has "apiregistration.k8s.io/v1" }}'),
      'true true false false false',
    );
    assert.equal(render('{{ ternary "policy/v1" "policy/v1beta1" (.Capabilities.APIVersions.Has "policy/v1") }} {{ range .Capabilities.APIVersions }}{{ if eq . "batch/v1" }}batch{{ end }}{{ end }}'), 'policy/v1 batch');
    assert.equal(render('[{{ .Files.Get "config.ini" }}] {{ (.Files.Glob "files/*").AsConfig }}{{ range $p, $b := .Files.Glob "x/*" }}{{ $p }}{{ end }}'), '[] {}');
  });
});

describe('Helm renderer: functions', () => {
  const values = 'port: 80\nname: web\nenabled: true\nm:\n  k: v\nl: [b, a]\n';
  const cases: Array<[string, string]> = [
    ['{{ default "x" .Values.missing }} {{ default "x" .Values.name }} {{ default 3 0 }} {{ default "x" .Values.missing .Values.name }} {{ default "x" .Values.name .Values.missing }}', 'x web 3 x web'],
    ['{{ .Values.missing | required "set it" }}|{{ .Values.name | required "set it" }}', '|web'],
    ['{{ quote .Values.port }} {{ quote "a\\"b" }} {{ squote "s" }} {{ .Values.missing | quote }}|', '"80" "a\\"b" \'s\' |'],
    ['{{ trim "  a  " }}|{{ trimSuffix "-" "a-" }}|{{ trimPrefix "v" "v1" }}|{{ trunc 3 "abcdef" }}|{{ trunc -2 "abcdef" }}', 'a|a|1|abc|ef'],
    ['{{ upper "a" }} {{ lower "B" }} {{ title "hello world" }} {{ replace "b" "x" "abc" }}', 'A b Hello World axc'],
    ['{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "c" "abc" }}', 'true true true'],
    ['{{ printf "%s:%d:%v:%q:%t:%05.1f:%x:%-4s|" "a" 3 .Values.l "q" true 3.14159 255 "ab" }}', 'a:3:[b a]:"q":true:003.1:ff:ab  |'],
    ['{{ printf "%d" .Values.port }} {{ printf "%d" (int .Values.port) }} {{ printf "%s" }}', '%!d(float64=80) 80 %!s(MISSING)'],
    ['{{ print 1 2 "a" 3 }}|{{ println "a" "b" }}|', '1 2a3|a b\n|'],
    ['{{ empty .Values.missing }} {{ empty 0 }} {{ empty .Values.m }} {{ not .Values.enabled }}', 'true true false false'],
    ['{{ and .Values.enabled 1 }} {{ or .Values.missing "o" }}', '1 o'],
    ['{{ eq .Values.name "web" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }} {{ eq .Values.missing "x" }} {{ eq "a" "b" "a" }}', 'true true true true true false false true'],
    ['{{ hasKey .Values.m "k" }} {{ get .Values.m "k" }} {{ get .Values.m "nope" }}|', 'true v |'],
    ['{{ $d := dict "a" 1 "b" (list 1 "x") }}{{ toJson $d }} {{ set $d "c" true | toJson }}', '{"a":1,"b":[1,"x"]} {"a":1,"b":[1,"x"],"c":true}'],
    ['{{ merge (dict "a" 1 "c" "") (dict "a" 2 "b" 3 "c" "z") | toJson }} {{ mergeOverwrite (dict "a" 1) (dict "a" 2 "b" 3) | toJson }}', '{"a":1,"b":3,"c":"z"} {"a":2,"b":3}'],
    // A missing key passed as a source is Go's nil map: nothing is merged.
    ['{{ mergeOverwrite (dict "a" 1) (dict).missing (dict "b" 2) | toJson }}', '{"a":1,"b":2}'],
    ['{{ keys (dict "b" 1 "a" 2) | sortAlpha | join "," }} {{ .Values.l | join "-" }}', 'a,b b-a'],
    ['{{ list 1 2 3 | len }} {{ first .Values.l }} {{ last .Values.l }} {{ splitList "," "a,b" | last }} {{ index .Values.l 0 }} {{ index .Values.m "k" }}', '3 b a b b v'],
    ['{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }} {{ sha256sum "abc" }}', 'aGVsbG8= hello ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['{{ toString 1.5 }} {{ int "42" }} {{ int64 3.9 }} {{ float64 "1.5" }} {{ toString .Values.port }}', '1.5 42 3 1.5 80'],
    ['{{ ternary "a" "b" true }} {{ .Values.enabled | ternary "on" "off" }} {{ coalesce .Values.missing "" "z" }}', 'a on z'],
    ['{{ semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion }} {{ semverCompare "<1.19" "v1.30.0" }} {{ semverCompare ">= 1.2, < 2" "1.5.0" }} {{ (semver "1.2.3").Minor }}', 'true false true 2'],
    ['{{ regexMatch "^v[0-9]+$" "v12" }} {{ regexReplaceAll "a(b)" "xabx" "<${1}>" }} {{ regexFind "[0-9]+" "ab12c" }}', 'true x<b>x 12'],
    ['{{ regexReplaceAll "(?P<first>\\\\w+) (\\\\w+)" "hello world" "$2 ${first}$$" }} {{ regexSplit "," "a,b,,c" -1 | toJson }} {{ regexFindAll "[0-9]" "a1b2c3" 2 | toJson }}', 'world hello$ ["a","b","","c"] ["1","2"]'],
    ['{{ regexMatch "[" "x" }} {{ regexQuoteMeta "a.b*" }} {{ regexReplaceAllLiteral "b" "abc" "$1" }} {{ regexMatch "(?i)^HELLO$" "hello" }}', 'false a\\.b\\* a$1c true'],
    // Go's regexp: an empty match right after a match does not count; `.` is a code point.
    ['{{ regexFindAll "a*" "baaab" -1 | toJson }} {{ regexReplaceAll "a*" "baaab" "-" }} {{ regexFindAll "." "a😀b" -1 | toJson }} {{ regexMatch "^.$" "😀" }}', '["","aaa",""] -b-b- ["a","😀","b"] true'],
    // Expand: `$1x` is the group named 1x, `$01` the group named 01; two groups may share a name.
    ['{{ regexReplaceAll "(a)(b)?" "ac" "[$1x|${1}x|$2|$$|$01|$]" }} {{ regexReplaceAllLiteral "(a)" "ac" "${1}" }} {{ regexReplaceAll "(?P<x>a)|(?P<x>b)" "ab" "<${x}>" }}', '[|ax||$||$]c ${1}c <a><b>'],
    ['{{ regexSplit "a" "banana" 2 | toJson }} {{ regexSplit "a" "banana" 0 | len }} {{ regexSplit "" "" -1 | len }} {{ regexSplit "x*" "😀😀" -1 | toJson }} {{ regexFindAll "a" "banana" 0 | len }}', '["b","nana"] 0 0 ["😀","😀"] 0'],
    ['{{ randAlphaNum 5 }} {{ lookup "v1" "Secret" "ns" "name" }} {{ lookup "v1" "Secret" "ns" "name" | len }}', 'xxxxx map[] 0'],
    ['{{ fromJson "[1]" | toJson }} {{ mustFromJson "[1,{\\"a\\":\\"x\\"}]" | toJson }} {{ mustFromJson "{\\"a\\":1}" | toJson }} {{ mustFromJson "\\"s\\"" }}', '{"Error":"json: cannot unmarshal array into Go value of type map[string]interface {}"} [1,{"a":"x"}] {"a":1} s'],
    ['{{ fromYaml "a: 1\\nb: [x]" | toJson }} {{ toYaml (fromYaml "b: 2\\na: 1") }}', '{"a":1,"b":["x"]} a: 1\nb: 2'],
    // Each call gets its own maps, though a text is parsed once: a change to one result is not seen by the next.
    ['{{ $a := fromYaml "k: [1]" }}{{ $_ := set $a "k" 2 }}{{ $b := fromYaml "k: [1]" }}{{ $_ := set $b "n" 3 }}{{ toJson $a }} {{ toJson $b }} {{ fromYaml "k: [1]" | toJson }} {{ fromYamlArray "- {k: 1}" | first | toJson }}', '{"k":2} {"k":[1],"n":3} {"k":[1]} {"k":1}'],
    ['{{ tpl "{{ .Values.name }}-{{ .Release.Name }}" . }} {{ tpl .Values.name . }}', 'web-release-name web'],
    // A template defined in a tpl string is seen inside that tpl only.
    ['{{ tpl "{{ define \\"x\\" }}in-tpl{{ end }}{{ include \\"x\\" . }}" . }}|{{ include "x" . }}', 'in-tpl|a\nb'],
    ['{{ getHostByName "example.org" }}|{{ fromYaml "- a" }}', '|map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]'],
    ['{{ include "x" . | indent 2 }}|{{ include "x" . | nindent 2 }}', '  a\n  b|\n  a\n  b'],
    ['{{ add 1 2 }} {{ sub 5 2 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 2 }} {{ add1 .Values.port }} {{ max 1 5 3 }}', '3 3 6 3 1 81 5'],
    ['{{ kindIs "map" .Values.m }} {{ typeOf .Values.port }} {{ kindOf .Values.l }} {{ typeIs "string" .Values.name }}', 'true float64 slice true'],
    ['{{ dig "m" "k" "d" .Values }} {{ dig "m" "nope" "d" .Values }} {{ until 3 | toJson }} {{ has "a" .Values.l }} {{ without .Values.l "a" | toJson }}', 'v d [0,1,2] true ["b"]'],
    ['{{ without (list (dict "a" 1) (dict "a" 2) (list 1)) (dict "a" 1) (list 1) | toJson }} {{ has (dict "a" 2) (list (dict "a" 2)) }} {{ has (dict "a" 2) (list (dict "a" "2")) }} {{ without (list 1 1.0 "1") 1 | toJson }}', '[{"a":2}] true false [1,"1"]'],
    // A missing map reaching a map parameter through a variable or parentheses is Go's nil map.
    ['{{ $s := (lookup "v1" "Secret" "ns" "n").data }}{{ hasKey $s "k" }} {{ get $s "k" }}|{{ keys $s | len }} {{ hasKey (.Values.m).nope "k" }} {{ omit $s "k" | len }}', 'false |0 false 0'],
    ['{{ range $c := tuple "a" "b" }}{{ $c }}{{ end }} {{ all 1 "a" true }} {{ all 1 0 }} {{ any 0 "" "x" }} {{ deepEqual (dict "a" (list 1)) (dict "a" (list 1)) }} {{ deepEqual 1 1.0 }}', 'ab true false true true false'],
    // Sprig's float functions compute in decimal: 0.1 + 0.2 is 0.3; divf keeps 16 places.
    ['{{ addf 0.1 0.2 }} {{ mulf 1.1 3 }} {{ subf 1 0.9 }} {{ divf 2 3 }} {{ add1f 1.5 }} {{ mulf "1.5" 1000 | int }} {{ maxf 1 2.5 }} {{ minf 1 2.5 }} {{ addf 1e300 1e-300 }} {{ divf 1e-300 1 }}', '0.3 3.3 0.1 0.6666666666666667 2.5 1500 2.5 1 1e+300 0'],
    ['{{ floor 2.7 }} {{ ceil 2.1 }} {{ round 3.14159 2 }} {{ round 2.5 0 }} {{ floor (div 5 2) | printf "%T" }} {{ toDecimal "0777" }}', '2 3 3.14 3 float64 511'],
    ['{{ base "/a/b/" }} {{ dir "/a/b/" }} {{ clean "a//b/../c/." }} {{ ext "x.tar.gz" }} {{ base "" }} {{ dir "a" }} {{ isAbs "/x" }} {{ osBase "/x/y" }}', 'b /a/b a/c .gz . . true y'],
    ['{{ $v := splitn "/" 2 "apps/v1/x" }}{{ $v._0 }}|{{ $v._1 }} {{ splitn "," -1 "a,b,c" | len }} {{ chunk 2 (list 1 2 3) | toJson }} {{ seq 3 }}|{{ seq 5 2 }}|{{ seq 0 2 6 }}', 'apps|v1/x 3 [[1,2],[3]] 1 2 3|5 4 3 2|0 2 4 6'],
    ['{{ b32enc "hello" }} {{ b32dec "NBSWY3DP" }} {{ adler32sum "hello" }} {{ sha512sum "" | trunc 8 }} {{ plural "one" "many" 2 }} {{ initials "Hello Big World" }} {{ swapcase "aB" }}', 'NBSWY3DP hello 103547413 cf83e135 many HBW Ab'],
    ['{{ get (urlParse "https://u@Example.org:8443/a%20b?x=1#f") "hostname" }} {{ (urlParse "ldap://ldap.example.org:389").host }} {{ (urlParse "https://example.org/p").path }} {{ urlJoin (dict "scheme" "http" "host" "h:1" "path" "/p" "query" "a=b") }}', 'Example.org ldap.example.org:389 /p http://h:1/p?a=b'],
    // Values that are random or depend on the clock are fixed: `now` is the Unix epoch (UTC).
    ['{{ now | date "20060102150405" }} {{ dateInZone "2006-01-02T15:04:05Z07:00" (now) "UTC" }} {{ now | unixEpoch }} {{ htmlDate now }} {{ date "Mon Jan _2 3:04PM" now }}', '19700101000000 1970-01-01T00:00:00Z 0 1970-01-01 Thu Jan  1 12:00AM'],
    ['{{ $ca := genCA "ca" 365 }}{{ $c := genSignedCert "svc" nil (list "svc.local") 365 $ca }}{{ empty $c.Cert }} {{ empty $ca.Key }} {{ empty (genPrivateKey "rsa") }} {{ htpasswd "u" "p" | splitList ":" | first }} {{ uuidv4 | len }}', 'false false false u 36'],
  ];
  for (const [template, expected] of cases) {
    it(template, () => assert.equal(render(template, values, { 'templates/_x.tpl': '{{- define "x" -}}\na\nb\n{{- end }}' }), expected));
  }

  it('fails on comparisons Go rejects', () => {
    assert.match(warnings('{{ eq 1 1.0 }}')[0]!.message, /incompatible types for comparison/);
    assert.match(warnings('{{ lt .Values.missing 1 }}')[0]!.message, /invalid type for comparison/);
  });

  it('fails on patterns Go rejects, with Go\'s message', () => {
    assert.match(warnings('{{ regexFind "x**" "x" }}')[0]!.message, /error parsing regexp: invalid nested repetition operator: `\*\*`/);
    assert.match(warnings('{{ mustRegexReplaceAll "a\\\\" "x" "y" }}')[0]!.message, /error parsing regexp: trailing backslash at end of expression: ``/);
    assert.match(warnings('{{ regexSplit "(?P<n>a" "x" -1 }}')[0]!.message, /error parsing regexp: missing closing \): `\(\?P<n>a`/);
  });
});

describe('Helm renderer: toYaml and nindent produce exactly what Helm produces', () => {
  it('indents a map under a key with {{- toYaml | nindent }}', () => {
    const values = 'resources:\n  requests:\n    cpu: 50m\n  limits:\n    memory: 128Mi\n    cpu: 100m\n';
    assert.equal(render('      resources:\n        {{- toYaml .Values.resources | nindent 8 }}\n', values), '      resources:\n        limits:\n          cpu: 100m\n          memory: 128Mi\n        requests:\n          cpu: 50m\n');
  });

  it('writes lists at the key\'s indentation, sorted keys in list items, and nested lists', () => {
    const values = 'tolerations:\n  - operator: Exists\n    key: a\n    effect: NoSchedule\nnested: [[1, 2], []]\n';
    assert.equal(render('tolerations:\n{{ toYaml .Values.tolerations | indent 2 }}\n', values), 'tolerations:\n  - effect: NoSchedule\n    key: a\n    operator: Exists\n');
    assert.equal(render('{{ toYaml .Values }}', values), 'nested:\n- - 1\n  - 2\n- []\ntolerations:\n- effect: NoSchedule\n  key: a\n  operator: Exists');
    // yaml.v2's order: a character that is no letter before a letter, runs of digits by value.
    assert.equal(render('{{ toYaml .Values }}', 'k8sobjects: 1\nk8s_cluster: 2\na10: 3\na2: 4\nb: 5\n'), 'a2: 4\na10: 3\nb: 5\nk8s_cluster: 2\nk8sobjects: 1');
  });

  it('quotes strings that YAML would read as something else, and writes multi-line strings as literal blocks', () => {
    const values = 'a: "true"\nb: "1"\nc: ""\nd: "x: y"\ne: "multi\\nline"\nf: "yes"\ng: "*star"\nh: 1.5\ni: null\nj: {}\nk: "end\\n"\nl: plain text\n';
    assert.equal(
      render('{{ toYaml .Values }}', values),
      'a: "true"\nb: "1"\nc: ""\nd: \'x: y\'\ne: |-\n  multi\n  line\nf: "yes"\ng: \'*star\'\nh: 1.5\ni: null\nj: {}\nk: |\n  end\nl: plain text',
    );
    assert.equal(render('{{ toYaml .Values.missing }}|{{ toYaml (list) }}|{{ toYaml (dict) }}|{{ toYaml 1000000 }}', values), 'null|[]|{}|1000000');
  });

  it('reads values.yaml as Helm does (YAML 1.1 booleans, even as keys, timestamps as strings, merge keys)', () => {
    const values = 'on_value: on\nwhen: 2024-01-02\nbase: &b\n  x: 1\nderived:\n  <<: *b\n  z: 2\n  y: 3\n';
    assert.equal(render('{{ .Values.on_value }} {{ .Values.when }} {{ toJson .Values.derived }}', values), 'true 2024-01-02 {"true":3,"x":1,"z":2}');
  });

  it('keeps the empty map of an empty setting', () => {
    assert.equal(render('securityContext:\n  {{- toYaml .Values.sc | nindent 2 }}\n', 'sc: {}\n'), 'securityContext:\n  {}\n');
  });
});

describe('Helm renderer: failures are warnings with a file, a line and a reason', () => {
  it('names an unsupported function and the line that calls it', () => {
    assert.deepEqual(warnings('a: 1\nb: {{ env "HOME" }}\n'), [{ line: 2, message: 'Helm template not rendered: function "env" is not supported by secloop\'s Helm renderer' }]);
  });

  it('reports the line in the template and the place in the helper', () => {
    const result = renderAll({ 't.yaml': 'a: 1\nb: {{ include "h" . }}\n' }, '', DEFAULT_LIMITS, {});
    assert.match(result.warnings[0]!.message, /template "h" is not defined/);
    const helper = new Map([
      ['c/Chart.yaml', CHART],
      ['c/templates/_helpers.tpl', '{{ define "h" }}\n{{ expandenv "$HOME" }}\n{{ end }}'],
      ['c/templates/t.yaml', 'a: 1\nb: {{ include "h" . }}\n'],
    ]);
    const failed = renderChart({ dir: 'c', files: helper, render: ['c/templates/t.yaml'] });
    assert.deepEqual(failed.warnings, [{ path: 'c/templates/t.yaml', line: 2, message: 'Helm template not rendered: function "expandenv" is not supported by secloop\'s Helm renderer (at c/templates/_helpers.tpl:2)' }]);
  });

  it('reports parse errors with their line', () => {
    assert.deepEqual(warnings('a: 1\n{{ if .Values.x }}\nb: 2\n'), [{ line: 2, message: 'Helm template not parsed: unexpected EOF: {{if}} opened at line 2 has no {{end}}' }]);
    assert.equal(warnings('a: {{ .Values.x ')[0]!.line, 1);
    assert.match(warnings('{{ end }}')[0]!.message, /unexpected \{\{end\}\}/);
    assert.match(warnings('{{ "unterminated }}')[0]!.message, /unterminated quoted string/);
    // The line of the token, in an action that spans lines.
    assert.deepEqual(warnings('a: 1\n{{ list\n  "ok"\n  "bad \\q" }}\n'), [{ line: 4, message: 'Helm template not parsed: unknown escape sequence \\q' }]);
    assert.deepEqual(warnings('{{ list\n  1\n  ) }}'), [{ line: 3, message: 'Helm template not parsed: unexpected right paren' }]);
  });

  it('reports fail and the values file that does not parse', () => {
    assert.match(warnings('{{ fail "set a password" }}')[0]!.message, /the chart calls fail: set a password/);
    assert.match(warnings('a: 1', 'a: [\n')[0]!.message, /values.yaml is not valid/);
  });

  it('keeps rendering the other templates', () => {
    const result = renderAll({ 'bad.yaml': '{{ nope }}', 'good.yaml': 'ok: {{ 1 }}\n' });
    assert.equal(result.warnings.length, 1);
    assert.deepEqual(result.templates.map((t) => t.rendered.text), ['ok: 1\n']);
  });
});

describe('Helm renderer: bounds', () => {
  const small: RenderLimits = { maxOutput: 10_000, maxDepth: 10, maxSteps: 50_000, maxRange: 1_000, maxChartSteps: 1_000_000, maxChartOutput: 100_000 };

  it('stops unbounded recursion of include', () => {
    const result = renderAll({ 't.yaml': '{{ include "loop" . }}' }, '', small, { 'templates/_h.tpl': '{{ define "loop" }}x{{ include "loop" . }}{{ end }}' });
    assert.match(result.warnings[0]!.message, /a bound was exceeded: include, template or tpl nested deeper than 10/);
  });

  it('stops tpl that renders itself', () => {
    const result = renderAll({ 't.yaml': '{{ tpl .Values.t . }}' }, 't: "{{ tpl .Values.t . }}"\n', small);
    assert.match(result.warnings[0]!.message, /nested deeper than 10/);
  });

  it('caps output, range iterations and steps', () => {
    assert.match(warnings('{{ range until 900 }}{{ "0123456789abcdef" }}{{ end }}', '', { ...small, maxRange: 10_000 })[0]!.message, /output larger than 10000 characters/);
    assert.match(warnings('{{ range until 5000 }}{{ end }}', '', small)[0]!.message, /more than 1000 range iterations/);
    assert.match(warnings('{{ range until 900 }}{{ range until 900 }}{{ end }}{{ end }}', '', { ...small, maxRange: 10_000_000 })[0]!.message, /more than 50000 steps/);
    assert.match(warnings('{{ repeat 100000 "x" }}', '', small)[0]!.message, /repeat of 100000 is too long/);
  });

  it('caps each result of a pipeline, so that calls which double their input stop before the output (quote of quote of ...)', () => {
    // Each quote doubles the backslashes: 60 of them once ran out of memory on a template of one line.
    const said = warnings(`{{ true${' | quote'.repeat(60)} }}`, '', small);
    assert.match(said[0]!.message, /a bound was exceeded: quote gave a result longer than 10000 characters/);
    assert.match(warnings(`{{ $x := "ab" }}{{ range until 40 }}{{ $x = cat $x $x }}{{ end }}{{ len $x }}`, '', { ...small, maxRange: 10_000 })[0]!.message, /cat gave a result longer than 10000 characters/);
  });

  it('caps the work and output of a whole chart, with one warning for the templates left', () => {
    const templates = Object.fromEntries(Array.from({ length: 30 }, (_v, i) => [`t${String(i).padStart(2, '0')}.yaml`, '{{ range until 900 }}{{ "0123456789" }}{{ end }}']));
    const result = renderAll(templates, '', { ...small, maxRange: 10_000, maxChartOutput: 50_000 });
    assert.equal(result.templates.length, 6);
    assert.deepEqual(result.warnings.map((w) => `${w.path} ${w.message}`), [
      // Helm's order: reverse name order, so t29 to t24 are rendered.
      'c/templates/t23.yaml Helm templates not rendered, a bound was exceeded: the chart\'s templates take more than 1000000 steps or 50000 characters of output (24 templates left, from this one)',
    ]);
  });

  // A hang guard: rendered in a worker that must finish within a minute. Each takes a fraction of
  // a second; a backtracking matcher would not finish on either (2^3000 ways to split the a's).
  it('matches regular expressions in linear time whatever the pattern, and counts the matching as steps', async () => {
    const hostile = ['{{ regexMatch "^(a+)+$" (printf "%s!" (repeat 3000 "a")) }}', '{{ regexMatch "\\\\d*\\\\d*\\\\d*\\\\d*\\\\d*x" (repeat 3000 "1") }}'];
    const rendered = await allFinishWithin<ChartRender>(60_000, new URL('../../../src/scanners/iac/helm/chart.ts', import.meta.url), 'renderChart', hostile.map((template) => [chartOf({ 't.yaml': template })]));
    assert.deepEqual(rendered.flatMap((chart) => chart.warnings), []);
    assert.deepEqual(rendered.map((chart) => chart.templates[0]!.rendered.text), ['false', 'false']);
    assert.match(warnings('{{ range until 50 }}{{ regexMatch "(x+x+)+y" (repeat 5000 "x") }}{{ end }}', '', { ...small, maxRange: 10_000 })[0]!.message, /more than 50000 steps/);
  });

  it('counts what matching may cost: every search of a long input, and large compiled patterns', () => {
    // Each search scans to the end for a z: quadratic in Go, stopped here by the step bound.
    assert.match(warnings('{{ regexFindAll "a(?:.*z)?" (repeat 100000 "a") -1 | len }}')[0]!.message, /more than 2000000 steps/);
    // A short pattern with thousands of instructions, over a long input.
    assert.match(warnings('{{ regexMatch "(?:(?:a|b|ab|ba)*){0,1000}[d-e]" (repeat 100000 "ab") }}')[0]!.message, /more than 2000000 steps/);
  });

  it('charges a search by what re2js does: indexOf between occurrences of a literal start, the program only from each', () => {
    // argo-workflows' CRDs (850 KB) have an annotation rewritten by a pattern with a literal start and an unescaped dot.
    const crd = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n  annotations:\n    helm.sh/resource-policy: keep\nspec:\n${Array.from({ length: 12_000 }, (_v, i) => `  # field${i}: description of a property, type string, format text, items none\n`).join('')}`;
    assert.ok(crd.length > 850_000);
    const helper = '{{- define "annotate" -}}{{- regexReplaceAllLiteral "\\n  annotations:\\n    helm.sh/resource-policy: keep\\n" .input "\\n  annotations: {}\\n" -}}{{- end -}}';
    const read = '(.Files.Get "files/crd.yaml")';
    const templates = { '_helpers.tpl': helper, 'crds.yaml': `{{ include "annotate" (dict "input" ${read}) }}\n{{ regexFind \`kind: \\w{1,40}\` ${read} }}\n{{ regexMatch "name: things" ${read} }}\n` };
    const result = renderChart({ ...chartOf(templates), otherFiles: new Map([['c/files/crd.yaml', crd]]) }, DEFAULT_LIMITS);
    assert.deepEqual(result.warnings, []);
    const text = result.templates.find((t) => t.path === 'c/templates/crds.yaml')!.rendered.text;
    assert.ok(text.includes('\n  annotations: {}\nspec:\n'));
    assert.ok(text.endsWith('\nkind: CustomResourceDefinition\ntrue\n'));
    // The same search over and over still runs out of steps.
    assert.match(warnings('{{ $s := printf "x%s" (repeat 850000 " ") }}{{ range until 200 }}{{ regexReplaceAllLiteral "\\n  annotations:\\n    helm.sh" $s "" | len }}{{ end }}')[0]!.message, /more than 2000000 steps/);
    // A literal start met everywhere: the program runs at each occurrence.
    assert.match(warnings('{{ regexFindAll "a.{0,60}" (repeat 400000 "a") -1 | len }}')[0]!.message, /more than 2000000 steps/);
  });

  it('survives deeply nested parentheses and alias bombs in values', () => {
    assert.match(warnings(`{{ ${'('.repeat(500)}1${')'.repeat(500)} }}`)[0]!.message, /nested deeper than 100/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_v, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    assert.match(warnings('x', bomb)[0]!.message, /values.yaml is not valid \(more than 250000 values/);
  });
});

describe('Helm renderer: subcharts', () => {
  it('renders an unpacked subchart with the parent\'s values for it over its defaults, and globals', () => {
    const result = renderAll({ 'p.yaml': 'sub: {{ .Values.sub.size }}\n' }, 'global:\n  env: prod\nsub:\n  size: big\n', DEFAULT_LIMITS, {
      'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 1.0.0\n',
      'charts/sub/values.yaml': 'size: small\ncolour: red\n',
      'charts/sub/templates/s.yaml': 'size: {{ .Values.size }}\ncolour: {{ .Values.colour }}\nenv: {{ .Values.global.env }}\nchart: {{ .Chart.Name }}\nname: {{ .Template.Name }}\n',
    });
    assert.deepEqual(result.warnings, []);
    const text = (path: string) => result.templates.find((t) => t.path === path)?.rendered.text;
    assert.equal(text('c/charts/sub/templates/s.yaml'), 'size: big\ncolour: red\nenv: prod\nchart: sub\nname: demo/charts/sub/templates/s.yaml\n');
    assert.equal(text('c/templates/p.yaml'), 'sub: big\n');
  });

  it('skips a subchart whose condition is false', () => {
    const chart = CHART + 'dependencies:\n  - name: sub\n    version: 1.0.0\n    condition: sub.enabled\n';
    const files = new Map([
      ['c/Chart.yaml', chart],
      ['c/values.yaml', 'sub:\n  enabled: false\n'],
      ['c/charts/sub/Chart.yaml', 'apiVersion: v2\nname: sub\nversion: 1.0.0\n'],
      ['c/charts/sub/templates/s.yaml', 'a: 1\n'],
    ]);
    assert.deepEqual(renderChart({ dir: 'c', files, render: ['c/charts/sub/templates/s.yaml'] }).templates, []);
  });

  it('names dependencies that are not unpacked when a helper is missing', () => {
    const files = new Map([
      ['c/Chart.yaml', CHART + 'dependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry.example.org/charts\n'],
      ['c/templates/t.yaml', '{{ include "common.names.fullname" . }}'],
    ]);
    assert.match(renderChart({ dir: 'c', files, render: ['c/templates/t.yaml'] }).warnings[0]!.message, /dependencies missing from charts\/: common/);
  });

  it('takes a library chart found elsewhere for a dependency not unpacked: its helpers, below the chart\'s own', () => {
    const files = new Map([
      ['apps/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 2.x.x\n'],
      ['apps/web/values.yaml', 'common:\n  suffix: mine\n'],
      ['apps/web/templates/_helpers.tpl', '{{- define "common.shared" -}}from-web{{- end -}}\n'],
      ['apps/web/templates/t.yaml', 'a: {{ include "common.name" . }}\nb: {{ include "common.shared" . }}\nc: {{ .Values.common.suffix }}-{{ .Values.common.other }}\n'],
      ['lib/common/Chart.yaml', 'apiVersion: v2\nname: common\ntype: library\nversion: 2.3.0\n'],
      ['lib/common/values.yaml', 'suffix: lib\nother: x\n'],
      ['lib/common/templates/_a.tpl', '{{- define "common.name" -}}{{ .Chart.Name }}-lib{{- end -}}\n{{- define "common.shared" -}}from-lib{{- end -}}\n'],
    ]);
    const result = renderChart({ dir: 'apps/web', files, render: ['apps/web/templates/t.yaml'], libraries: new Map([['common', 'lib/common']]) });
    assert.deepEqual(result.warnings, []);
    assert.equal(result.templates[0]!.rendered.text, 'a: web-lib\nb: from-web\nc: mine-x\n');
    // An application chart handed over (the one a file:// repository names, charts.ts) stands for it too; one of another name does not.
    files.set('lib/common/Chart.yaml', 'apiVersion: v2\nname: common\nversion: 2.3.0\n');
    assert.equal(renderChart({ dir: 'apps/web', files, render: ['apps/web/templates/t.yaml'], libraries: new Map([['common', 'lib/common']]) }).templates[0]!.rendered.text, 'a: web-lib\nb: from-web\nc: mine-x\n');
    files.set('lib/common/Chart.yaml', 'apiVersion: v2\nname: shared\nversion: 2.3.0\n');
    assert.match(renderChart({ dir: 'apps/web', files, render: ['apps/web/templates/t.yaml'], libraries: new Map([['common', 'lib/common']]) }).warnings[0]!.message, /dependencies missing from charts\/: common/);
  });

  it('reads the dependencies of requirements.yaml (charts of apiVersion v1): conditions and missing ones', () => {
    const files = new Map([
      ['c/Chart.yaml', 'apiVersion: v1\nname: demo\nversion: 0.1.0\n'],
      ['c/requirements.yaml', 'dependencies:\n  - name: sub\n    version: 1.0.0\n    condition: sub.enabled\n  - name: loki\n    version: 2.x.x\n'],
      ['c/values.yaml', 'sub:\n  enabled: false\n'],
      ['c/charts/sub/Chart.yaml', 'apiVersion: v1\nname: sub\nversion: 1.0.0\n'],
      ['c/charts/sub/templates/s.yaml', 'a: 1\n'],
      ['c/templates/t.yaml', 'port: {{ .Values.loki.service.port }}\ndeps: {{ len .Chart.Dependencies }}\n'],
    ]);
    const result = renderChart({ dir: 'c', files, render: ['c/charts/sub/templates/s.yaml', 'c/templates/t.yaml'] });
    assert.deepEqual(result.templates, []);
    assert.match(result.warnings[0]!.message, /nil pointer .* \(dependencies missing from charts\/: loki; secloop does not fetch dependencies\)/);
  });
});

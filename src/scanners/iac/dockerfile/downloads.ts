import { detailNote } from '../rule.js';
import { ARTIFACT, COMMIT_PINNED, downloadOf, madeExecutable, PROGRAM_DIR, UNPACKERS, urlName, verifies, webDownloadOf } from '../downloads.js';
import { parsePowerShell } from '../powershell.js';
import { parseShell, PLAIN_HTTP_PIPE_NOTE, PLAIN_HTTP_URL, programOf } from '../shell.js';
import { expandArgs, instructionsOf, keyValues, scriptsOf, type DockerfileInput } from './model.js';
import type { DockerInstruction } from './parser.js';
import { at, dockerRule } from './helpers.js';

/** The values ENV and ARG give before `instruction` in its stage (over the global ARG defaults), to read a URL with. */
function variablesAt(input: DockerfileInput, instruction: DockerInstruction): Map<string, string> {
  const values = new Map(input.globalArgs);
  for (const earlier of input.file.stages[instruction.stage]?.instructions ?? []) {
    if (earlier === instruction) break;
    if (earlier.keyword !== 'ENV' && earlier.keyword !== 'ARG') continue;
    for (const [name, value] of keyValues(earlier)) if (value !== undefined) values.set(name, expandArgs(value, values));
  }
  return values;
}

/** Whether the RUNs of a stage at `instruction` run in PowerShell: the last SHELL before it names powershell or pwsh (a Windows image's `SHELL ["powershell", "-Command"]`). */
function inPowerShell(input: DockerfileInput, instruction: DockerInstruction): boolean {
  let powershell = false;
  for (const earlier of input.file.stages[instruction.stage]?.instructions ?? []) {
    if (earlier === instruction) break;
    if (earlier.keyword === 'SHELL' && earlier.exec?.[0] !== undefined) powershell = /(?:^|[\\/])(?:powershell|pwsh)(?:\.exe)?$/i.test(earlier.exec[0]);
  }
  return powershell;
}

export const unverifiedDownload = dockerRule({
  id: 'iac/dockerfile-download-unverified',
  title: 'Downloaded artifact used without a checksum or signature check',
  description:
    "A RUN step downloads an archive, package, binary or script with curl or wget, or in a PowerShell RUN (after SHELL [\"powershell\", ...]) with Invoke-WebRequest -OutFile, Start-BitsTransfer or WebClient.DownloadFile (saved under a name such as .tar.gz, .deb, .jar, .sh, into a bin directory, made executable, or piped into tar or unzip) and no step of the stage checks it: no sha256sum/sha512sum/shasum, gpg --verify or gpgv, cosign, minisign, openssl digest or Get-FileHash anywhere in that RUN or a later one (a checksum tool counts when its digest is compared: -c, a pipe into grep, a test of its output; not when it only prints or writes one). HTTPS protects the transfer, not the file: whoever can change the release (a compromised upstream account or mirror, a redirected `latest` link) decides what goes into the image. A file fetched at a git commit named by its full hash (raw.githubusercontent.com/<owner>/<repo>/<40-hex sha>/..., github.com/.../raw/<sha>/..., an /archive/<sha>.tar.gz, the hash written or given by an ENV or ARG of the stage) is not reported: the commit fixes the content. High over plain http:// to another machine, where anyone on the network path can replace what goes into the image, as for a script piped into a shell. The same risk as ADD <url> without --checksum (iac/dockerfile-add-url). A download piped into a shell is iac/dockerfile-curl-pipe-shell; keys, signatures and checksum lists themselves are not artifacts.",
  remediation: 'Pin the version and verify a pinned digest before using the file (echo "<sha256>  tool.tar.gz" | sha256sum -c -), or check the publisher\'s signature (gpg --verify, cosign verify-blob); or use ADD --checksum=sha256:<digest> <url>.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      'FROM debian:12-slim\n# expect\nRUN curl -fsSL -o /tmp/tool.tar.gz https://example.org/releases/tool-1.2.3-linux-amd64.tar.gz && tar -xzf /tmp/tool.tar.gz -C /opt\n',
      'FROM debian:12-slim\n# expect\nRUN curl -fsSL https://example.org/releases/tool-1.2.3.tar.gz | tar -xz -C /usr/local\n',
      'FROM alpine:3.20\n# expect\nRUN wget -q https://example.org/agent/install-agent.sh && sh install-agent.sh\n',
      'FROM debian:12-slim\n# expect\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends curl && \\\n# detail\n    curl -fsSLo /tmp/kubectl https://example.org/kubectl/v1.30.2/bin/linux/amd64/kubectl && \\\n    chmod +x /tmp/kubectl && mv /tmp/kubectl /usr/local/bin/\n',
      'FROM debian:12-slim\n# expect\nRUN curl -fsSLO https://example.org/dist/app_2.0.1_amd64.deb && dpkg -i app_2.0.1_amd64.deb\n',
      // Over plain http, written or given by an ARG (reported as high).
      'FROM debian:12-slim\n# expect\nRUN wget -q http://example.org/dist/tool-1.2.3.tar.gz && tar -xzf tool-1.2.3.tar.gz -C /opt\n',
      'FROM debian:12-slim\nARG MIRROR=http://example.org\n# expect\nRUN curl -fsSL -o /usr/local/bin/tool ${MIRROR}/dist/tool-1.2.3 && chmod +x /usr/local/bin/tool\n',
      // A branch or a short hash moves; so does a variable the file does not give.
      'FROM alpine:3.20\n# expect\nRUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/example/tools/master/hack/dind" && chmod +x /usr/local/bin/dind\n',
      'FROM alpine:3.20\nARG COMMIT\n# expect\nRUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/example/tools/${COMMIT}/hack/dind"\n',
      'FROM alpine:3.20\n# expect\nRUN wget -O /usr/local/bin/dind https://raw.githubusercontent.com/example/tools/8d9e3502/hack/dind\n',
      // A Windows image whose RUNs are PowerShell.
      'FROM example.org/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]\n# expect\nRUN Invoke-WebRequest -Uri https://example.org/dist/tool-1.2.0.msi -OutFile tool.msi; Start-Process msiexec.exe -ArgumentList \'/i\', \'tool.msi\', \'/qn\' -Wait\n',
    ],
    negative: [
      // Checked with a pinned digest, or with the publisher's signature in a later step.
      'FROM debian:12-slim\nRUN curl -fsSLo /tmp/tool.tar.gz https://example.org/tool-1.2.3.tar.gz && echo "0000000000000000000000000000000000000000000000000000000000000000  /tmp/tool.tar.gz" | sha256sum -c - && tar -xzf /tmp/tool.tar.gz -C /opt\n',
      'FROM debian:12-slim\nRUN wget -O /usr/local/bin/gosu https://example.org/gosu-amd64 && wget -O /usr/local/bin/gosu.asc https://example.org/gosu-amd64.asc\nRUN gpg --batch --verify /usr/local/bin/gosu.asc /usr/local/bin/gosu && chmod +x /usr/local/bin/gosu\n',
      // Keys, data and API answers are no artifacts; a download piped into a shell is another rule.
      'FROM debian:12-slim\nRUN curl -fsSL https://example.org/repo.gpg | gpg --dearmor -o /usr/share/keyrings/repo.gpg && curl -fsSL https://example.org/api/releases/latest | jq -r .tag_name > /version\n',
      'FROM alpine:3.20\nRUN curl -fsSL https://example.org/i.sh | sh\n',
      'FROM alpine:3.20\nRUN curl -fsS http://localhost:8080/health\n',
      // Fetched at a git commit named by its full hash: the commit fixes the content.
      'FROM alpine:3.20\nENV DIND_COMMIT 8d9e3502aba39127e4d12196dae16d306f76993d\nRUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/example/tools/${DIND_COMMIT}/hack/dind" && chmod +x /usr/local/bin/dind\n',
      'FROM debian:12-slim\nRUN curl -fsSL https://github.com/example/tool/archive/0123456789abcdef0123456789abcdef01234567.tar.gz | tar -xz -C /opt\n',
      // Checked with Get-FileHash; a JSON answer is no artifact.
      'FROM example.org/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]\nRUN Invoke-WebRequest -Uri https://example.org/dist/tool-1.2.0.msi -OutFile tool.msi; if ((Get-FileHash tool.msi -Algorithm sha256).Hash -ne \'0000000000000000000000000000000000000000000000000000000000000000\') { exit 1 }; Start-Process msiexec.exe -ArgumentList \'/i\', \'tool.msi\', \'/qn\' -Wait\nRUN Invoke-WebRequest -Uri https://example.org/api/releases/latest -OutFile latest.json\n',
    ],
  },
  *check(input) {
    const runs = [...instructionsOf(input.file, 'RUN')];
    // A check in this RUN or a later one of the same stage covers its downloads: the stages checked from each RUN on, walking back.
    const checkedFrom: boolean[] = [];
    const checkedStages = new Set<number>();
    for (let k = runs.length - 1; k >= 0; k--) {
      const run = runs[k]!;
      if (scriptsOf(run).some((s) => verifies(s.text))) checkedStages.add(run.stage);
      checkedFrom[k] = checkedStages.has(run.stage);
    }
    for (let k = 0; k < runs.length; k++) {
      const instruction = runs[k]!;
      if (checkedFrom[k]) continue;
      let variables: Map<string, string> | undefined;
      let powershell: boolean | undefined;
      for (const script of scriptsOf(instruction)) {
        if (!/\b(?:curl|wget|Invoke-WebRequest|iwr|Invoke-RestMethod|irm|Start-BitsTransfer|DownloadFile)\b/i.test(script.text)) continue;
        // A Windows image's PowerShell RUN (`Invoke-WebRequest -Uri ... -OutFile python.exe`).
        const pwsh = (powershell ??= inPowerShell(input, instruction));
        const pipelines = pwsh ? parsePowerShell(script.text) : parseShell(script.text);
        let made: Set<string> | undefined;
        const executable = () => (made ??= madeExecutable(pipelines.flat()));
        for (const pipeline of pipelines) {
          for (let p = 0; p < pipeline.length; p++) {
            const web = pipeline[p]!.words.some((w) => /(?:^|[/\\])(?:curl|wget)(?:\.exe)?$/i.test(w.text));
            const download = pwsh ? (webDownloadOf(pipeline[p]!) ?? (web ? downloadOf(pipeline[p]!) : undefined)) : web ? downloadOf(pipeline[p]!) : undefined;
            if (!download) continue;
            let artifact: string | undefined;
            if (download.output === '-') {
              const reader = pipeline[p + 1];
              if (reader !== undefined && UNPACKERS.has(programOf(reader) ?? '')) artifact = urlName(download.url) || download.url;
            } else if (ARTIFACT.test(download.output) || PROGRAM_DIR.test(download.output) || executable().has(download.output)) artifact = download.output;
            else if (ARTIFACT.test(urlName(download.url)) && !/^-/.test(download.output)) artifact = download.output;
            if (artifact === undefined) continue;
            const url = expandArgs(download.url, (variables ??= variablesAt(input, instruction)));
            if (COMMIT_PINNED.test(url)) continue;
            const program = programOf(download.command)!;
            const place = at(instruction, script.line(download.command.offset));
            const plainHttp = PLAIN_HTTP_URL.test(url);
            yield {
              ...place,
              message: `${program} downloads ${artifact}${detailNote(place)} and no step of this stage checks a checksum or signature of it${plainHttp ? PLAIN_HTTP_PIPE_NOTE : ''}; verify a pinned sha256 or the publisher's signature before using it.`,
              ...(plainHttp ? { severity: 'high' as const } : {}),
            };
          }
        }
      }
    }
  },
});

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutputs, uploadsToBucket } from '../../../src/scanners/iac/bucket-uploads.js';

it('uploads to a bucket: the destination is a bucket and the source is not', () => {
  for (const line of [
    'aws s3 sync ./target/release/ s3://downloads/canary/$(git rev-parse HEAD)/ --exclude "*" --include "*.zip"',
    'aws s3 cp latest.txt s3://downloads/canary-latest.txt',
    // A name that only contains the word is no report: reporter is a program.
    'aws s3 cp dist/reporter-linux-x64.tar.gz s3://downloads/reporter/',
    'gsutil -m cp -r dist gs://downloads/nightly/',
    'gsutil -h "Cache-Control:no-cache" cp latest.txt gs://downloads/',
    'gcloud storage cp --cache-control=no-cache latest.txt gs://downloads/',
    'az storage blob upload-batch -d releases -s dist',
    // Global options before the service (rustup's Windows deploy steps).
    'aws --debug s3 cp --recursive dist s3://downloads/app/dist',
    'aws --region us-east-1 --profile release s3 sync dist/ s3://downloads/app/',
    'aws --endpoint-url=https://storage.example.org s3 cp app.tar.gz s3://downloads/',
  ])
    assert.equal(uploadsToBucket(line), true, line);
});

it('downloads, listings and rehearsals upload nothing', () => {
  for (const line of [
    'aws s3 cp s3://fixtures/corpus.zip .',
    'aws s3 cp --region us-east-1 s3://fixtures/corpus.zip ./corpus.zip',
    'aws s3 ls s3://downloads',
    'aws --debug s3 cp s3://fixtures/corpus.zip .',
    'aws --profile s3 sts get-caller-identity',
    'aws s3 sync dist s3://downloads --dryrun',
    'gsutil cp gs://fixtures/corpus.zip .',
    'gsutil -m rsync -n -r dist gs://downloads',
    'echo "aws s3 cp dist s3://downloads happens in the release job"',
    // Reports a check keeps (harbor's conformance test report), not something it ships.
    'aws s3 cp ./distribution-spec/conformance/report.html s3://conformance/report.html',
    'gsutil -m cp -r test-results gs://ci-artifacts/$GITHUB_RUN_ID/',
    'aws s3 sync ./logs s3://ci-logs/',
    'gsutil cp wptreport.json.gz gs://wptreport/$(git rev-parse HEAD)/',
  ])
    assert.equal(uploadsToBucket(line), false, line);
});

it('reports are known by their names: coverage, SARIF, benchmarks, *results and *report data files', () => {
  for (const line of [
    'aws s3 cp coverage/lcov.info s3://ci-artifacts/$GITHUB_SHA/',
    'aws s3 cp build/jacoco/test.exec s3://ci-artifacts/',
    'gsutil cp scan.sarif gs://ci-artifacts/',
    'aws s3 cp TestResults/unit.trx s3://ci-artifacts/',
    'aws s3 cp ./bench.json s3://perf-data/$GITHUB_SHA.json',
    'gsutil cp benchmark-main.csv gs://perf-data/',
    'aws s3 sync target/criterion s3://perf-data/criterion/',
    'aws s3 cp e2e-results.json s3://ci-artifacts/',
    'gcloud storage cp testresults.xml gs://ci-artifacts/',
  ])
    assert.equal(uploadsToBucket(line), false, line);
  // Names that only look alike: a program, a benchmark harness's binary, an archive.
  for (const line of ['aws s3 cp dist/bench-runner s3://downloads/', 'aws s3 cp dist/perf-tool-linux.tar.gz s3://downloads/', 'aws s3 cp dist/app-bench.tar.gz s3://downloads/'])
    assert.equal(uploadsToBucket(line), true, line);
});

it('reports are known by how the job writes them: a report option of the check, a pointer echoed from the commit', () => {
  const job = [
    'deno run -A ./tests/wpt/wpt.ts run --all --binary="$DENO_BIN" --json=wpt.json --wptreport=wptreport.json',
    'pytest --junitxml out/unit.xml --cov-report=xml:cov.xml\nhyperfine --export-json timings.json "./app --help"',
    'gzip ./wptreport.json\necho $(git rev-parse HEAD) > wpt-latest.txt\necho "${{ github.sha }}" > pointer.txt\nprintf "%s\\n" "$GITHUB_SHA" >> pointer.txt',
  ];
  const reports = checkOutputs(job);
  for (const line of [
    'aws s3 cp ./wpt.json s3://downloads/wpt/$(git rev-parse HEAD).json',
    'aws s3 cp wpt-latest.txt s3://downloads/wpt-latest.txt',
    'aws s3 cp out/unit.xml s3://ci/',
    'aws s3 cp cov.xml s3://ci/',
    'gsutil cp timings.json gs://ci/',
    'gsutil cp pointer.txt gs://ci/',
  ])
    assert.equal(uploadsToBucket(line, () => reports), false, line);
  // The option names a file of data; a build's own output, or a file the job also writes from what it built, is no report.
  const built = checkOutputs(['make dist --log-dir dist\necho "$GITHUB_SHA" > latest.txt\ncat dist/VERSION >> latest.txt\necho "$VERSION" > version.txt']);
  for (const line of ['aws s3 sync dist s3://downloads/', 'aws s3 cp latest.txt s3://downloads/', 'aws s3 cp version.txt s3://downloads/', 'aws s3 cp wpt.json s3://downloads/'])
    assert.equal(uploadsToBucket(line, () => built), true, line);
});

it('reports are known by how the job writes them: the output of a test or benchmark run written to a file of data', () => {
  const reports = checkOutputs([
    'cargo bench --bench parse -- --output-format bencher | tee output.txt',
    'go test -json ./... > go-test.json\ngo test -run XXX -bench . ./... 2>&1 | grep -v "^ok" | tee -a gobench.txt',
    'python -m pytest -q tests/ > pytest-out.txt\nnpm run bench:ci >> npm-bench.txt\nmake check > check.txt 2>&1',
  ]);
  for (const file of ['output.txt', 'go-test.json', 'gobench.txt', 'pytest-out.txt', 'npm-bench.txt', 'check.txt'])
    assert.equal(uploadsToBucket(`aws s3 cp ${file} s3://perf-data/$GITHUB_SHA/`, () => reports), false, file);
  // A build's output, a run whose output another program takes, a file another command also writes, a file that is no data: shipped.
  const built = checkOutputs([
    'cargo build --release > build.txt\ncargo test | ./bin/summarise > summary.txt\ngo test ./... > notes.txt\ncat dist/VERSION | tee -a notes.txt\ncargo bench | tee target/bench-bin',
  ]);
  for (const file of ['build.txt', 'summary.txt', 'notes.txt', 'target/bench-bin'])
    assert.equal(uploadsToBucket(`aws s3 cp ${file} s3://downloads/`, () => built), true, file);
});

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { uploadsToBucket } from '../../../src/scanners/iac/bucket-uploads.js';

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
  ])
    assert.equal(uploadsToBucket(line), true, line);
});

it('downloads, listings and rehearsals upload nothing', () => {
  for (const line of [
    'aws s3 cp s3://fixtures/corpus.zip .',
    'aws s3 cp --region us-east-1 s3://fixtures/corpus.zip ./corpus.zip',
    'aws s3 ls s3://downloads',
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

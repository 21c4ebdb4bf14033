import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unitAround } from '../../bench/iac/units.js';

test('units: a Terraform top-level block, a compose service, a YAML document, a Dockerfile stage', () => {
  const tf = 'provider "aws" {\n  region = "x"\n}\n\nresource "aws_kms_key" "k" {\n  enable_key_rotation = false\n}\n';
  assert.deepEqual(unitAround(tf, 6, 'terraform'), [5, 8]);
  assert.deepEqual(unitAround(tf, 2, 'terraform'), [1, 4]);
  const compose = 'version: "3"\nservices:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n  db:\n    image: mysql\n';
  assert.deepEqual(unitAround(compose, 6, 'compose'), [3, 6]);
  assert.deepEqual(unitAround(compose, 8, 'compose'), [7, 9]);
  const k8s = 'apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Service\n';
  assert.deepEqual(unitAround(k8s, 2, 'yaml'), [1, 2]);
  assert.deepEqual(unitAround(k8s, 5, 'yaml'), [3, 6]);
  const docker = '# build\nFROM golang AS b\nRUN go build\nFROM alpine\nUSER root\n';
  assert.deepEqual(unitAround(docker, 5, 'dockerfile'), [4, 6]);
  assert.deepEqual(unitAround(docker, 1, 'dockerfile'), [1, 1]);
});

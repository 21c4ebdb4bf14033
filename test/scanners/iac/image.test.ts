import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseImage, pinProblem } from '../../../src/scanners/iac/image.js';

describe('image references', () => {
  it('splits registry, name, tag and digest', () => {
    assert.deepEqual(parseImage('registry.example.org:5000/team/app:1.2@sha256:abc'), {
      raw: 'registry.example.org:5000/team/app:1.2@sha256:abc',
      name: 'registry.example.org:5000/team/app',
      tag: '1.2',
      digest: 'sha256:abc',
      templated: false,
    });
    assert.equal(parseImage('registry.example.org:5000/app').tag, undefined);
  });

  it('says when the reference does not tell which image runs, judging a variable only where the tag is written out', () => {
    const cases: Array<[string, ReturnType<typeof pinProblem>]> = [
      ['nginx', 'untagged'],
      ['nginx:latest', 'latest'],
      ['nginx:LATEST', 'latest'],
      ['nginx:1.27', undefined],
      ['nginx:latest@sha256:' + 'a'.repeat(64), undefined],
      ['scratch', undefined],
      ['${REGISTRY}/app:latest', 'latest'],
      ['$CI_REGISTRY_IMAGE/tool:latest', 'latest'],
      ['${REGISTRY}/app', undefined],
      ['app:${TAG}', undefined],
      ['app:${TAG:-latest}', undefined],
      ['$IMAGE', undefined],
      ['registry.example.org/app:main', 'moving-tag'],
      ['alpine:edge', 'moving-tag'],
      ['node:lts-alpine3.20', 'moving-tag'],
      ['debian:stable-slim', 'moving-tag'],
      ['${REGISTRY}/app:nightly', 'moving-tag'],
      ['app:main-3f2a1bc', undefined],
      ['app:main-abcdef1', undefined],
      ['app:main@sha256:' + 'a'.repeat(64), undefined],
      ['app:maintenance', undefined],
      ['node:20-lts', undefined],
      ['nginx:alpine', 'moving-tag'],
      ['nginx:alpine-slim', 'moving-tag'],
      ['python:slim', 'moving-tag'],
      ['alpine:3.20', undefined],
      ['node:22-alpine', undefined],
      ['python:3.12-slim', undefined],
    ];
    for (const [ref, problem] of cases) assert.equal(pinProblem(ref), problem, ref);
  });
});

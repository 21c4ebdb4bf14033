import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor, redactSecret } from '../../src/core/redact.js';

describe('redaction', () => {
  it('replaces a long secret in every file, wherever it stands as a token of its own', () => {
    const redactor = new Redactor();
    redactor.add('hunter2hunter2', 'a.yaml');
    const hidden = redactSecret('hunter2hunter2');
    assert.equal(redactor.redact('token=hunter2hunter2;', 'b.yaml'), `token=${hidden};`);
    // Built from parts, so that secloop's own scan does not read a password in a URL here.
    const url = ['https://bot', 'hunter2hunter2@example.org'].join(':');
    assert.equal(redactor.redact(url, 'b.yaml'), `https://bot:${hidden}@example.org`);
    assert.equal(redactor.redact('"hunter2hunter2-2"', 'b.yaml'), `"${hidden}-2"`);
    // Not inside a longer identifier: a parameter named ApiKeyValue keeps its name when KeyValue is a secret.
    redactor.add('KeyValue');
    assert.equal(redactor.redact('Parameter ApiKeyValue holds KeyValue', 'c.yaml'), `Parameter ApiKeyValue holds ${redactSecret('KeyValue')}`);
  });

  it('replaces a secret of hundreds of KB (a long line read as one) as plain text, where a pattern of it could not be compiled', () => {
    const redactor = new Redactor();
    const long = 'hunter2'.repeat(30_000);
    redactor.add(long, 'docker-compose.yml');
    redactor.add('hunter2hunter2');
    // Compiling it into the pattern threw "Regular expression too large", and the whole scan failed.
    assert.equal(redactor.redact(`A=${long}\nB=hunter2hunter2`, 'x.yml'), `A=${redactSecret(long)}\nB=${redactSecret('hunter2hunter2')}`);
  });

  it('replaces a short secret only where it stands as a whole value, in the file it was found in', () => {
    const redactor = new Redactor();
    redactor.add('mysql', 'k8s/db.yaml');
    const hidden = redactSecret('mysql');
    assert.equal(redactor.redact('        value: mysql', 'k8s/db.yaml'), `        value: ${hidden}`);
    assert.equal(redactor.redact('MYSQL_PASSWORD="mysql"', 'k8s/db.yaml'), `MYSQL_PASSWORD="${hidden}"`);
    assert.equal(redactor.redact('--password=mysql --user app', 'k8s/db.yaml'), `--password=${hidden} --user app`);
    assert.equal(redactor.redact('Pod/mysql-pod container mysql-server', 'k8s/db.yaml'), 'Pod/mysql-pod container mysql-server');
    assert.equal(redactor.redact('image: mysql:8.4', 'k8s/db.yaml'), 'image: mysql:8.4');
    assert.equal(redactor.redact('        value: mysql', 'k8s/other.yaml'), '        value: mysql');
  });

  it('treats a longer secret made of letters only as a word: whole values, in its own file', () => {
    const redactor = new Redactor();
    redactor.add('paperless', 'docker-compose.yml');
    const hidden = redactSecret('paperless');
    assert.equal(redactor.redact('POSTGRES_PASSWORD: paperless', 'docker-compose.yml'), `POSTGRES_PASSWORD: ${hidden}`);
    assert.equal(redactor.redact('service webserver runs ghcr.io/paperless-ngx/paperless-ngx:2.14', 'docker-compose.yml'), 'service webserver runs ghcr.io/paperless-ngx/paperless-ngx:2.14');
    assert.equal(redactor.redact('password: paperless', 'other/compose.yml'), 'password: paperless');
    // Letters with digits or symbols are no word: replaced everywhere.
    redactor.add('paperless2024', 'docker-compose.yml');
    assert.equal(redactor.redact('db paperless2024', 'other/compose.yml'), `db ${redactSecret('paperless2024')}`);
  });

  it('scopes a short secret found in a chart to the chart directory', () => {
    const redactor = new Redactor();
    redactor.add('admin', 'charts/app/');
    assert.equal(redactor.redact('password: admin', 'charts/app/values.yaml'), `password: ${redactSecret('admin')}`);
    assert.equal(redactor.redact('password: admin', 'charts/application/values.yaml'), 'password: admin');
  });

  it('treats a short secret registered without a place as found everywhere, and ignores values under 4 characters', () => {
    const redactor = new Redactor();
    redactor.add('s3cr', undefined);
    redactor.add('abc');
    assert.equal(redactor.size, 1);
    assert.equal(redactor.redact('key: s3cr and abc', 'x'), `key: ${redactSecret('s3cr')} and abc`);
  });

  it('keeps a short secret where it is the name of what the message is about, and redacts it elsewhere in the same message', () => {
    const redactor = new Redactor();
    redactor.add('gitea', 'compose.yaml');
    assert.equal(redactor.redact('service gitea sets DB_PASSWD to a literal secret.', 'compose.yaml', 'service gitea'), 'service gitea sets DB_PASSWD to a literal secret.');
    assert.equal(redactor.redact('service gitea runs mysql -p gitea', 'compose.yaml', 'service gitea'), `service gitea runs mysql -p ${redactSecret('gitea')}`);
    assert.equal(redactor.redact('service gitea sets DB_PASSWD.', 'compose.yaml'), `service ${redactSecret('gitea')} sets DB_PASSWD.`);
  });

  it('keeps a short secret inside any of the names given (the resource and the image it runs)', () => {
    const redactor = new Redactor();
    redactor.add('postgres', 'compose.yaml');
    assert.equal(redactor.redact('service db uses postgres with no tag.', 'compose.yaml', ['service db', 'postgres']), 'service db uses postgres with no tag.');
    assert.equal(redactor.redact('service db uses postgres with no tag.', 'compose.yaml', ['service db']), `service db uses ${redactSecret('postgres')} with no tag.`);
  });
  it('keeps a short secret that is a word of the sentence and not a phrase of the file, and redacts it where the message quotes the file', () => {
    const redactor = new Redactor();
    redactor.add('secret', 'compose.yaml');
    redactor.add('password', 'compose.yaml');
    const file = 'services:\n  ldap:\n    environment:\n      LDAP_ADMIN_PASSWORD: secret\n      DB_PASSWORD:   password\n    command: run --pass password --key secret > out\n';
    const message = 'service ldap sets LDAP_ADMIN_PASSWORD to a literal secret in the compose file: a plain word, not a generated secret, so every installation that keeps it shares one guessable password; set it from an untracked .env.';
    assert.equal(redactor.redact(message, 'compose.yaml', 'service ldap', file), message);
    // Without the file's text (a finding outside the working tree), as before: redacted.
    assert.equal(redactor.redact('a literal secret in', 'compose.yaml'), `a literal ${redactSecret('secret')} in`);
    // Quoted from the file, with the word before or after it as the file has them (white space as written or not).
    assert.equal(redactor.redact('runs DB_PASSWORD: password there', 'compose.yaml', [], file), `runs DB_PASSWORD: ${redactSecret('password')} there`);
    assert.equal(redactor.redact('it runs run --pass password --key', 'compose.yaml', [], file), `it runs run --pass ${redactSecret('password')} --key`);
    assert.equal(redactor.redact('the command key secret > out', 'compose.yaml', [], file), `the command key ${redactSecret('secret')} > out`);
    assert.equal(redactor.redact('uses secret only', 'compose.yaml', [], 'x: uses   secret\n'), `uses ${redactSecret('secret')} only`);
    // A command quoted with its line continuations joined.
    assert.equal(redactor.redact('RUN login secret now', 'compose.yaml', [], 'RUN login \\\n    secret \\\n    now\n'), `RUN login ${redactSecret('secret')} now`);
    // A value that is not lower-case letters is never taken for a word of the sentence.
    redactor.add('Secret', 'compose.yaml');
    assert.equal(redactor.redact('a literal Secret in', 'compose.yaml', [], file), `a literal ${redactSecret('Secret')} in`);
    // Nor a word secloop's messages do not use: it may be a value shown from another file (a .env beside the compose file).
    redactor.add('letmein', 'compose.yaml');
    assert.equal(redactor.redact('the value letmein from .env', 'compose.yaml', [], file), `the value ${redactSecret('letmein')} from .env`);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/engine/scan.js';
import { scanIacTree } from '../../helpers/iac-scan.js';

const NSG = 'iac/tf-azure-nsg-open-to-internet';
const DB_PLAIN = 'iac/tf-aws-database-not-encrypted';

/** A module whose rule opens the port its caller gives to any address. */
const NSG_MODULE =
  'variable "port" {\n  type = string\n}\n\nresource "azurerm_network_security_rule" "open" {\n  name                        = "open"\n  priority                    = 100\n  direction                   = "Inbound"\n  access                      = "Allow"\n  protocol                    = "Tcp"\n  source_port_range           = "*"\n  destination_port_range      = var.port\n  source_address_prefix       = "*"\n  destination_address_prefix  = "*"\n  resource_group_name         = "net"\n  network_security_group_name = "app"\n}\n';

/** A database module whose encryption its caller decides. */
const DB_MODULE =
  'variable "encrypted" {\n  default = true\n}\n\nresource "aws_db_instance" "this" {\n  engine            = "postgres"\n  instance_class    = "db.t3.micro"\n  storage_encrypted = var.encrypted\n}\n';

const call = (name: string, source: string, lines: readonly string[]) => [`module "${name}" {`, ...lines.map((l) => `  ${l}`), `  source = "${source}"`, '}', ''].join('\n');

const open = (result: ScanResult, rule: string) => result.findings.filter((f) => f.ruleId === rule);
const suppressed = (result: ScanResult, rule: string) => result.suppressed.filter((s) => s.finding.ruleId === rule);

describe('suppressions written on a local module call', () => {
  it("suppress the call's part of a module's finding only: the other calls' finding stays, with their own severity", async () => {
    const result = await scanIacTree({
      'main.tf': [
        call('couch', './modules/nsg', ['port = "5984"']),
        '#trivy:ignore:AVD-AZU-0047:exp:2999-01-01',
        call('files', './modules/nsg', ['port = "445"']),
      ].join('\n'),
      'modules/nsg/main.tf': NSG_MODULE,
    });
    const kept = open(result, NSG);
    assert.equal(kept.length, 1);
    // Before, the 445 of the suppressed call made the merged finding critical and named it first.
    assert.match(kept[0]!.message, /opens 5984\/tcp .*\(via module\.couch in main\.tf:1\)$/);
    assert.equal(kept[0]!.severity, 'high');
    assert.deepEqual(kept[0]!.related?.map((r) => `${r.path}:${r.startLine}`), ['main.tf:1']);
    const hidden = suppressed(result, NSG);
    assert.equal(hidden.length, 1);
    assert.equal(hidden[0]!.kind, 'inSource');
    assert.equal(hidden[0]!.justification, 'trivy:ignore:AVD-AZU-0047:exp:2999-01-01 (line 6 of main.tf)');
    assert.equal(hidden[0]!.finding.severity, 'critical');
    assert.match(hidden[0]!.finding.message, /opens 445\/tcp .*\(via module\.files in main\.tf:7\)$/);
    assert.equal(hidden[0]!.finding.location.path, 'modules/nsg/main.tf');
    assert.notEqual(hidden[0]!.finding.fingerprint, kept[0]!.fingerprint);
  });

  it('map checkov and Trivy ids as on a resource: one narrower than the rule covers its own case only', async () => {
    const result = await scanIacTree({
      'main.tf': [
        // CKV_AZURE_10 is about SSH: it covers the port 22 call, not the 5984 one.
        call('ssh', './modules/nsg', ['#checkov:skip=CKV_AZURE_10:bastion', 'port = "22"']),
        call('couch', './modules/nsg', ['#checkov:skip=CKV_AZURE_10:not SSH', 'port = "5984"']),
        // A comment on one argument of the call covers that argument, not what the module makes of it.
        call('files', './modules/nsg', ['port = "445" #trivy:ignore:AVD-AZU-0047']),
      ].join('\n'),
      'modules/nsg/main.tf': NSG_MODULE,
    });
    const kept = open(result, NSG);
    assert.equal(kept.length, 1);
    assert.match(kept[0]!.message, /opens 445\/tcp .*\(via module\.files in main\.tf:13 and 1 other module call\)$/);
    const hidden = suppressed(result, NSG);
    assert.deepEqual(
      hidden.map((s) => s.justification),
      ['checkov:skip=CKV_AZURE_10: bastion (line 2 of main.tf)'],
    );
    assert.match(hidden[0]!.finding.message, /\(via module\.ssh in main\.tf:1\)$/);
  });

  it("honour secloop-ignore with a reason on the module block's line or the line above, and not one without a reason", async () => {
    const result = await scanIacTree({
      'main.tf': [
        `# secloop-ignore ${DB_PLAIN} -- scratch database, no data`,
        call('scratch', './modules/db', ['encrypted = false']),
        `# secloop-ignore ${DB_PLAIN}`,
        // The same values as the call above: one context of the module, split by the suppression.
        call('legacy', './modules/db', ['encrypted = false']),
      ].join('\n'),
      'modules/db/main.tf': DB_MODULE,
    });
    const kept = open(result, DB_PLAIN);
    assert.equal(kept.length, 1);
    assert.match(kept[0]!.message, /\(via module\.legacy in main\.tf:8\)$/);
    const hidden = suppressed(result, DB_PLAIN);
    assert.deepEqual(
      hidden.map((s) => `${s.kind} ${s.justification}`),
      ['inSource scratch database, no data (line 1 of main.tf)'],
    );
    // The one without a reason is said, not dropped quietly: its finding is in the module's file.
    assert.deepEqual(
      result.warnings.filter((w) => /no reason/.test(w.message)).map((w) => `${w.path}:${w.line} ${w.message}`),
      [`main.tf:7 secloop-ignore ${DB_PLAIN} on module "legacy" has no reason ("-- <reason>"), so it is not honoured for the findings the call makes in the module`],
    );
  });

  it('suppress what a nested call makes when every call of the module around it suppresses it, and not when only some do', async () => {
    const wrapper = 'variable "encrypted" {\n  default = true\n}\n\nmodule "db" {\n  source    = "../db"\n  encrypted = var.encrypted\n}\n';
    const all = await scanIacTree({
      'main.tf': call('app', './modules/app', ['#checkov:skip=CKV_AWS_16:test data only', 'encrypted = false']),
      'modules/app/main.tf': wrapper,
      'modules/db/main.tf': DB_MODULE,
    });
    assert.deepEqual(open(all, DB_PLAIN), []);
    assert.deepEqual(
      suppressed(all, DB_PLAIN).map((s) => `${s.finding.location.path} ${s.justification}`),
      ['modules/db/main.tf checkov:skip=CKV_AWS_16: test data only (line 2 of main.tf)'],
    );
    assert.match(suppressed(all, DB_PLAIN)[0]!.finding.message, /\(via module\.app\.module\.db in modules\/app\/main\.tf:5\)$/);

    // Two calls of the wrapper with the same values, one suppressing: the nested call is read once for both, and stays reported.
    const some = await scanIacTree({
      'main.tf': [call('app', './modules/app', ['#checkov:skip=CKV_AWS_16:test data only', 'encrypted = false']), call('other', './modules/app', ['encrypted = false'])].join('\n'),
      'modules/app/main.tf': wrapper,
      'modules/db/main.tf': DB_MODULE,
    });
    assert.equal(open(some, DB_PLAIN).length, 1);
    assert.deepEqual(suppressed(some, DB_PLAIN), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTerraformText } from '../../../src/scanners/iac/terraform/directory.js';
import { lowestAdmitted, requiredVersions, requiresAtLeast, requiresBelow } from '../../../src/scanners/iac/terraform/provider-versions.js';
import { scanMemory } from '../../helpers/memory-files.js';

describe('terraform provider versions: what required_providers admit', () => {
  it('reads the constraints by local name or source, in the object and the plain string form', () => {
    const body = parseTerraformText(
      'terraform {\n  required_providers {\n    azurerm = {\n      source  = "hashicorp/azurerm"\n      version = "~> 4.12"\n    }\n    legacy = "~> 2.0"\n    az = {\n      source  = "registry.terraform.io/hashicorp/azurerm"\n      version = ">= 4.20"\n    }\n  }\n}\nterraform {\n  required_providers {\n    random = {\n      source = "hashicorp/random"\n    }\n  }\n}\n',
    ).body;
    assert.deepEqual(requiredVersions(body, 'azurerm'), ['~> 4.12', '>= 4.20']);
    assert.deepEqual(requiredVersions(body, 'legacy'), ['~> 2.0']);
    assert.deepEqual(requiredVersions(body, 'random'), []);
    // Terraform 0.12's version argument of the provider block.
    assert.deepEqual(requiredVersions(parseTerraformText('provider "azurerm" {\n  version = ">= 2.0.0"\n  features {}\n}\n').body, 'azurerm'), ['>= 2.0.0']);
  });

  it('finds the lowest version every constraint admits', () => {
    assert.deepEqual(lowestAdmitted(['~> 5.0']), [5, 0, 0]);
    assert.deepEqual(lowestAdmitted(['>= 4.46.0, < 5.1.1']), [4, 46, 0]);
    assert.deepEqual(lowestAdmitted(['>= 3.0', '~> 5.2']), [5, 2, 0]);
    assert.deepEqual(lowestAdmitted(['5.2.0']), [5, 2, 0]);
    assert.deepEqual(lowestAdmitted(['> 4.99.0']), [4, 99, 0]);
    // None given, none admitted, or one that cannot be read: unknown.
    assert.equal(lowestAdmitted([]), undefined);
    assert.equal(lowestAdmitted(['~> 4.0', '>= 5.0']), undefined);
    assert.equal(lowestAdmitted(['latest']), undefined);
  });

  it('tells a module that requires a major release from one that admits an earlier one', () => {
    assert.equal(requiresAtLeast(['~> 5.0'], 5), true);
    assert.equal(requiresAtLeast(['>= 5.0.0, < 6.0.0'], 5), true);
    assert.equal(requiresAtLeast(['~> 4.0'], 5), false);
    assert.equal(requiresAtLeast(['>= 3.0'], 5), false);
    assert.equal(requiresAtLeast(['> 4.99.0'], 5), false);
    assert.equal(requiresAtLeast([], 5), false);
  });

  it('tells a module that admits only releases before a major one from one that may get it', () => {
    assert.equal(requiresBelow(['~> 5.0'], 6), true);
    assert.equal(requiresBelow(['>= 4.0, < 6.0.0'], 6), true);
    assert.equal(requiresBelow(['>= 5.0', '~> 5.82'], 6), true);
    assert.equal(requiresBelow(['<= 5.99.1'], 6), true);
    assert.equal(requiresBelow(['5.100.0'], 6), true);
    assert.equal(requiresBelow(['>= 5.0'], 6), false);
    assert.equal(requiresBelow(['<= 6.0.0'], 6), false);
    assert.equal(requiresBelow(['~> 6.0'], 6), false);
    assert.equal(requiresBelow(['< 6.1'], 6), false);
    // None given, none admitted, or one that cannot be read: unknown.
    assert.equal(requiresBelow([], 6), false);
    assert.equal(requiresBelow(['~> 5.0', '>= 6.0'], 6), false);
    assert.equal(requiresBelow(['latest'], 6), false);
  });

  it("reports a Redshift cluster's unset publicly_accessible only when the module admits only aws provider releases before 6.0", async () => {
    const RULE = 'iac/tf-aws-publicly-accessible';
    const cluster = 'resource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n}\n';
    const versions = (version: string) => `terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "${version}"\n    }\n  }\n}\n`;
    const found = async (files: Record<string, string>) => (await scanMemory(files)).findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`);
    assert.deepEqual(await found({ 'dw/main.tf': cluster, 'dw/versions.tf': versions('>= 4.0, < 6.0') }), [
      "dw/main.tf:1 aws_redshift_cluster.dw leaves publicly_accessible unset: the default is true before AWS provider 6.0, and the module's aws version constraint admits only those releases (6.0 made it false).",
    ]);
    assert.deepEqual(await found({ 'dw/main.tf': cluster, 'dw/versions.tf': versions('>= 6.0') }), []);
    assert.deepEqual(await found({ 'dw/main.tf': cluster, 'dw/versions.tf': versions('>= 5.0') }), []);
    assert.deepEqual(await found({ 'dw/main.tf': cluster }), []);
    // Set to false, or to a value that cannot be read: not the default's case.
    const set = (value: string) => cluster.replace('}\n', `  publicly_accessible = ${value}\n}\n`);
    assert.deepEqual(await found({ 'dw/main.tf': set('false'), 'dw/versions.tf': versions('~> 5.0') }), []);
    assert.deepEqual(await found({ 'dw/main.tf': set('var.public'), 'dw/versions.tf': versions('~> 5.0') }), []);
  });

  it('reads the constraint from another file of the module directory (providers.tf beside main.tf)', async () => {
    const RULE = 'iac/tf-azure-storage-public-access-allowed';
    const account = 'resource "azurerm_storage_account" "logs" {\n  name                     = "examplelogs"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n}\n';
    const providers = (version: string) => `terraform {\n  required_providers {\n    azurerm = {\n      source  = "hashicorp/azurerm"\n      version = "${version}"\n    }\n  }\n}\n`;
    const found = async (version: string) => (await scanMemory({ 'infra/main.tf': account, 'infra/providers.tf': providers(version) })).findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine}`);
    assert.deepEqual(await found('~> 5.0'), []);
    assert.deepEqual(await found('~> 4.0'), ['infra/main.tf:1']);
  });

  it('says whether the module constrains the version when it reports the default', async () => {
    const RULE = 'iac/tf-azure-storage-public-access-allowed';
    const account = 'resource "azurerm_storage_account" "logs" {\n  name                     = "examplelogs"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n}\n';
    const message = async (files: Record<string, string>) => (await scanMemory(files)).findings.find((f) => f.ruleId === RULE)?.message;
    assert.match((await message({ 'main.tf': account }))!, /\(the default is true in azurerm 3 and 4, and the module does not constrain the azurerm version; 5\.0 made it false\)/);
    assert.match((await message({ 'main.tf': account, 'provider.tf': 'provider "azurerm" {\n  version = ">= 2.0.0"\n  features {}\n}\n' }))!, /which the module's azurerm version constraint admits/);
    assert.equal(await message({ 'main.tf': account, 'provider.tf': 'provider "azurerm" {\n  version = "~> 5.1"\n  features {}\n}\n' }), undefined);
  });
});

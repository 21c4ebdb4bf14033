import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTerraformText } from '../../../src/scanners/iac/terraform/directory.js';
import { lowestAdmitted, requiredVersions, requiresAtLeast } from '../../../src/scanners/iac/terraform/provider-versions.js';
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

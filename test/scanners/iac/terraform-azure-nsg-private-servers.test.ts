import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingsOf } from '../../helpers/iac-lines.js';

const RULE = 'iac/tf-azure-nsg-open-to-internet';

/** A subnet delegated to `service`, a group with a rule opening PostgreSQL to everyone, the group's association with the subnet, and a server integrated into it. */
const module = (service = 'Microsoft.DBforPostgreSQL/flexibleServers', ...rest: string[]) =>
  BASE.replace('Microsoft.DBforPostgreSQL/flexibleServers', service) + rest.join('\n') + (rest.length > 0 ? '\n' : '');

const BASE = `resource "azurerm_subnet" "db" {
  name                 = "db"
  resource_group_name  = "net"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.2.0/24"]
  delegation {
    name = "fs"
    service_delegation {
      name    = "Microsoft.DBforPostgreSQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}
resource "azurerm_network_security_group" "db" {
  name                = "db"
  location            = "westeurope"
  resource_group_name = "net"
}
resource "azurerm_network_security_rule" "pg" {
  name                        = "pg"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "5432"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "net"
  network_security_group_name = azurerm_network_security_group.db.name
}
resource "azurerm_subnet_network_security_group_association" "db" {
  subnet_id                 = azurerm_subnet.db.id
  network_security_group_id = azurerm_network_security_group.db.id
}
resource "azurerm_postgresql_flexible_server" "db" {
  name                          = "db"
  resource_group_name           = "net"
  location                      = "westeurope"
  version                       = "16"
  delegated_subnet_id           = azurerm_subnet.db.id
  private_dns_zone_id           = azurerm_private_dns_zone.db.id
  public_network_access_enabled = false
  sku_name                      = "GP_Standard_D2s_v3"
}
`;

const severities = (text: string) => findingsOf(RULE, text).map((f) => f.severity);

describe('Terraform Azure: a network security group open to the internet in front of private flexible servers only', () => {
  it('is reported at low severity, saying why, when every subnet it guards is delegated to PostgreSQL or MySQL flexible servers', () => {
    const found = findingsOf(RULE, module());
    assert.deepEqual(found.map((f) => `${f.location.startLine} ${f.severity}`), ['27 low']);
    assert.match(found[0]!.message, /opens 5432\/tcp \(PostgreSQL\) to \*; the group guards only azurerm_subnet\.db \(delegated to Microsoft\.DBforPostgreSQL\/flexibleServers\), whose servers have no public endpoint/);
    assert.deepEqual(severities(module('Microsoft.DBforMySQL/flexibleServers')), ['low']);
    // The rule written inside the group: the same.
    const inline = module().replace(/resource "azurerm_network_security_rule" "pg" \{[^}]*\}\n/, '').replace('  resource_group_name = "net"\n}\n', '  resource_group_name = "net"\n  security_rule {\n    name                       = "pg"\n    priority                   = 100\n    direction                  = "Inbound"\n    access                     = "Allow"\n    protocol                   = "Tcp"\n    source_port_range          = "*"\n    destination_port_range     = "5432"\n    source_address_prefix      = "*"\n    destination_address_prefix = "*"\n  }\n}\n');
    assert.deepEqual(severities(inline), ['low']);
  });

  it('is reported at info when the rule opens the port to a broad public range (iac/tf-azure-nsg-sensitive-port-broad-public)', () => {
    const cloud = module().replace('  source_address_prefix       = "*"\n', '  source_address_prefix       = "AzureCloud"\n');
    const found = findingsOf('iac/tf-azure-nsg-sensitive-port-broad-public', cloud);
    assert.deepEqual(found.map((f) => f.severity), ['info']);
    assert.match(found[0]!.message, /AzureCloud, public address space; the group guards only azurerm_subnet\.db \(delegated to Microsoft\.DBforPostgreSQL\/flexibleServers\), whose servers have no public endpoint, so no public address reaches them\.$/);
    assert.deepEqual(findingsOf('iac/tf-azure-nsg-sensitive-port-broad-public', cloud.replace(/  delegation \{[\s\S]*?\n  \}\n/, '')).map((f) => f.severity), ['high']);
  });

  it('keeps its severity when a subnet is delegated to another service, or not at all', () => {
    assert.deepEqual(severities(module('Microsoft.Web/serverFarms')), ['high']);
    assert.deepEqual(severities(module().replace(/  delegation \{[\s\S]*?\n  \}\n/, '')), ['high']);
  });

  it('keeps its severity when the group also guards another subnet, a network interface, or is handed on', () => {
    const other = module(undefined, 'resource "azurerm_subnet_network_security_group_association" "app" {', '  subnet_id                 = azurerm_subnet.app.id', '  network_security_group_id = azurerm_network_security_group.db.id', '}');
    assert.deepEqual(severities(other), ['high']);
    const nic = module(undefined, 'resource "azurerm_network_interface_security_group_association" "vm" {', '  network_interface_id      = azurerm_network_interface.vm.id', '  network_security_group_id = azurerm_network_security_group.db.id', '}');
    assert.deepEqual(severities(nic), ['high']);
    const output = module(undefined, 'output "nsg_id" {', '  value = azurerm_network_security_group.db.id', '}');
    assert.deepEqual(severities(output), ['high']);
    const fromVariable = module(undefined, 'variable "subnet_id" {}').replace('  subnet_id                 = azurerm_subnet.db.id\n', '  subnet_id                 = var.subnet_id\n');
    assert.deepEqual(severities(fromVariable), ['high']);
  });
});

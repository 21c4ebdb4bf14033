import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kubernetesPlatform } from '../../../src/scanners/iac/kubernetes/rules.js';

function found(manifest: string, id = 'iac/k8s-service-loadbalancer'): Array<[number, string | undefined]> {
  const rule = kubernetesPlatform.rules.find((r) => r.id === id)!;
  const input = kubernetesPlatform.parse(manifest, () => {});
  return input ? [...rule.check(input)].map((h) => [h.line, h.severity]) : [];
}

const service = (...ports: number[]) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\nspec:\n  type: LoadBalancer\n  ports:\n${ports.map((p) => `  - port: ${p}\n    targetPort: ${p + 8000}\n`).join('')}`;

describe('iac/k8s-service-loadbalancer: a web entry point', () => {
  it('reports a load balancer for HTTPS, or HTTP beside it, at info: an ingress controller is public by design', () => {
    assert.deepEqual(found(service(80, 443)), [[6, 'info']]);
    assert.deepEqual(found(service(443)), [[6, 'info']]);
    // An Istio ingress gateway: its status port answers the load balancer's readiness probe.
    const gateway = service(80, 443).replace('  ports:\n', '  ports:\n  - name: status-port\n    port: 15021\n    targetPort: 15021\n');
    assert.deepEqual(found(gateway), [[6, 'info']]);
    assert.deepEqual(found(gateway.replace('status-port', 'admin')), [[6, undefined]]);
  });

  it('keeps the rule severity for HTTP alone or another port beside the web ones, and high for a sensitive port', () => {
    assert.deepEqual(found(service(80)), [[6, undefined]]);
    assert.deepEqual(found(service(443, 8080)), [[6, undefined]]);
    assert.deepEqual(found(service(443, 5432)), [[6, 'high']]);
  });
});

describe('iac/k8s-service-nodeport: a web entry point', () => {
  const nodePort = (...ports: number[]) => service(...ports).replace('type: LoadBalancer', 'type: NodePort');
  it('reports node ports for HTTPS, or HTTP beside it, at info (an ingress controller on bare metal)', () => {
    assert.deepEqual(found(nodePort(80, 443), 'iac/k8s-service-nodeport'), [[6, 'info']]);
    assert.deepEqual(found(nodePort(443), 'iac/k8s-service-nodeport'), [[6, 'info']]);
  });

  it('keeps the rule severity for HTTP alone or another port beside the web ones', () => {
    assert.deepEqual(found(nodePort(80), 'iac/k8s-service-nodeport'), [[6, undefined]]);
    assert.deepEqual(found(nodePort(443, 3000), 'iac/k8s-service-nodeport'), [[6, undefined]]);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { namedOtherwise, sensitivePort } from '../../../src/scanners/iac/ports.js';
import { fixturePath } from '../../helpers/paths.js';

describe('a port named for another protocol than the catalogue service of its number', () => {
  it('is not that service: grpc on 8500 is no Consul, http or metrics on 6379 no Redis; a name that says the service, or its own protocol, keeps it', () => {
    assert.equal(sensitivePort(8500, 'tcp', undefined, ['grpc']), undefined);
    assert.equal(sensitivePort(8500, 'tcp', undefined, ['http'])?.service, 'Consul HTTP API');
    assert.equal(sensitivePort(6379, 'tcp', undefined, ['http-metrics']), undefined);
    assert.equal(sensitivePort(6379, 'tcp', undefined, [undefined, 'kubernetes.io/h2c']), undefined);
    assert.equal(sensitivePort(6379, 'tcp', undefined, ['redis'])?.service, 'Redis');
    assert.equal(sensitivePort(6379, 'tcp', undefined, ['tcp-redis'])?.service, 'Redis');
    assert.equal(sensitivePort(6379, 'tcp', undefined, ['redis-http'])?.service, 'Redis');
    // A name of no known protocol says nothing.
    assert.equal(sensitivePort(6379, 'tcp', undefined, ['client'])?.service, 'Redis');
    // etcd's client port is gRPC and HTTP; the kubelet serves its metrics on its API port.
    assert.equal(sensitivePort(2379, 'tcp', undefined, ['grpc'])?.service, 'etcd client API');
    assert.equal(sensitivePort(10250, 'tcp', undefined, ['https-metrics'])?.service, 'Kubelet API');
    assert.equal(namedOtherwise(sensitivePort(9092)!, ['metrics']), true);
    assert.equal(namedOtherwise(sensitivePort(9092)!, []), false);
  });

  it('in a Service (name, appProtocol, named targetPort) and a container port: the public load balancer and the host port are reported at the rule severity', async () => {
    const result = await runScan({ target: fixturePath('iac', 'k8s-named-ports'), scannerSet: [iacScanner] });
    const found = result.findings
      .filter((f) => f.ruleId === 'iac/k8s-service-loadbalancer' || f.ruleId === 'iac/k8s-host-port')
      .map((f) => `${f.location.path}:${f.location.startLine} ${f.severity} ${/\((.*?)[,)]/.exec(f.message)?.[1] ?? '-'}`)
      .sort();
    assert.deepEqual(found, [
      'pod.yaml:12 medium -',
      'pod.yaml:15 high Redis',
      'services.yaml:19 medium -',
      'services.yaml:30 medium -',
      'services.yaml:41 high Redis',
      'services.yaml:52 high Elasticsearch HTTP',
      'services.yaml:7 medium -',
    ]);
  });
});

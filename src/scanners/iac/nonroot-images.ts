import { imageName } from './ports.js';

/** A name or tag that says the image runs without root: distroless `:nonroot`, rootless builds. */
const NONROOT_TAG = /(?:nonroot|rootless|non-root)/i;

/**
 * Images whose own Dockerfile ends with a user other than root: grafana/k6 (k6, uid 12345),
 * NGINX's unprivileged build (uid 101), Grafana ($GF_UID, 472) and Loki (10001), the
 * Prometheus project's servers and exporters (nobody), the OpenTelemetry Collector
 * distributions (10001), Jenkins (jenkins) and Keycloak (1000).
 */
const NONROOT_IMAGES =
  /^(?:grafana\/(?:k6|grafana|grafana-oss|grafana-enterprise|loki)|nginxinc\/nginx-unprivileged|prom\/(?:prometheus|alertmanager|node-exporter|pushgateway|blackbox-exporter)|otel\/opentelemetry-collector(?:-contrib|-k8s)?|jenkins\/jenkins|keycloak\/keycloak)$/;

/** Whether the image's name or tag says it runs without root (`gcr.io/distroless/static:nonroot`). */
export function namedNonRoot(image: string): boolean {
  return NONROOT_TAG.test(image);
}

/** Whether the image, as its publisher builds it, runs as a user other than root unless started as another. */
export function runsNonRootByDefault(image: string): boolean {
  return namedNonRoot(image) || NONROOT_IMAGES.test(imageName(image));
}

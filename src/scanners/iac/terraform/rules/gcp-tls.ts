import type { Value } from '../hcl/evaluate.js';
import { asStrings, attribute, label, resourcesOf, valueOf, type TfInput } from '../model.js';
import { known, tfRule, type TfRule } from './common.js';
import { upper } from './gcp-shared.js';

/** Versions below TLS 1.2 that an SSL policy's min_tls_version can name. */
const OLD_TLS = new Set(['TLS_1_0', 'TLS_1_1']);

/**
 * Cipher suites usable only from TLS 1.2 on (AES-GCM and ChaCha20-Poly1305): a CUSTOM
 * profile that enables nothing else cannot complete a TLS 1.0 or 1.1 handshake, whatever
 * its min_tls_version says.
 */
const TLS12_ONLY_FEATURE = /_(?:GCM|CHACHA20_POLY1305)_SHA\d*$/;

/** Google's load balancer SSL policies (global and regional). */
const POLICY_TYPES = ['google_compute_ssl_policy', 'google_compute_region_ssl_policy'];

/** Target proxies that terminate TLS and take an SSL policy; without one, Google's default policy applies. */
const PROXY_TYPES = ['google_compute_target_https_proxy', 'google_compute_region_target_https_proxy', 'google_compute_target_ssl_proxy'];

/** Whether a policy's profile still lets TLS 1.0 and 1.1 clients in when its min_tls_version allows them. */
function profileAllowsOldTls(profile: string | undefined, features: Value | undefined): boolean {
  // RESTRICTED enables only TLS 1.2 suites (Google's SSL policy overview), so no older handshake can succeed.
  if (profile === 'RESTRICTED') return false;
  if (profile === 'CUSTOM') {
    const list = asStrings(features);
    if (!known(features) || !list) return false;
    return list.some((f) => !TLS12_ONLY_FEATURE.test(f.trim().toUpperCase()));
  }
  return true;
}

const sslPolicyWeakTls: TfRule = tfRule({
  id: 'iac/tf-gcp-ssl-policy-weak-tls',
  title: 'Load balancer SSL policy accepts TLS below 1.2',
  description:
    'A Google Cloud SSL policy (google_compute_ssl_policy or google_compute_region_ssl_policy) lets clients of the HTTPS or SSL proxy load balancers that use it connect with TLS 1.0 or 1.1: min_tls_version is TLS_1_0 or TLS_1_1, or unset (the default is TLS_1_0), and its profile still offers suites those versions can use. TLS 1.0 and 1.1 lack modern AEAD ciphers, are open to downgrade and CBC padding attacks (BEAST, POODLE-style), and are no longer allowed by PCI DSS or NIST SP 800-52r2; an attacker on the path can force a client that supports them onto them (CIS GCP 3.9). A RESTRICTED profile, or a CUSTOM one that enables only AES-GCM and ChaCha20 suites, cannot complete an old handshake and is not reported. Also reported: a target HTTPS or SSL proxy with no ssl_policy, which uses Google\'s default policy (COMPATIBLE profile, TLS 1.0). Written out, the version is reported at medium severity; left at its default (an unset min_tls_version, a proxy without a policy), at low.',
  remediation: 'Set min_tls_version = "TLS_1_2" and profile = "MODERN" (or "RESTRICTED") on the SSL policy, and give every target HTTPS and SSL proxy an ssl_policy.',
  severity: 'medium',
  cwe: ['CWE-326'],
  examples: {
    positive: [
      'resource "google_compute_ssl_policy" "web" {\n  name            = "web"\n  profile         = "MODERN"\n  # expect\n  min_tls_version = "TLS_1_0"\n}\n',
      '# expect\nresource "google_compute_ssl_policy" "web" {\n  name    = "web"\n  profile = "COMPATIBLE"\n}\n',
      'resource "google_compute_region_ssl_policy" "web" {\n  name            = "web"\n  region          = "europe-west1"\n  profile         = "CUSTOM"\n  # expect\n  min_tls_version = "TLS_1_1"\n  custom_features = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]\n}\n',
      '# expect\nresource "google_compute_target_https_proxy" "web" {\n  name             = "web"\n  url_map          = google_compute_url_map.web.id\n  ssl_certificates = [google_compute_managed_ssl_certificate.web.id]\n}\n',
      // A module's policy variable left at null: no policy, as if the argument were not written.
      'variable "ssl_policy" {\n  default = null\n}\n# expect\nresource "google_compute_target_ssl_proxy" "tcp" {\n  name             = "tcp"\n  backend_service  = google_compute_backend_service.tcp.id\n  ssl_certificates = [google_compute_ssl_certificate.tcp.id]\n  ssl_policy       = var.ssl_policy\n}\n',
    ],
    negative: [
      'resource "google_compute_ssl_policy" "web" {\n  name            = "web"\n  profile         = "MODERN"\n  min_tls_version = "TLS_1_2"\n}\n',
      // RESTRICTED offers only TLS 1.2 suites: an old client cannot connect whatever the minimum says.
      'resource "google_compute_ssl_policy" "web" {\n  name            = "web"\n  profile         = "RESTRICTED"\n  min_tls_version = "TLS_1_0"\n}\n',
      'resource "google_compute_ssl_policy" "web" {\n  name            = "web"\n  profile         = "CUSTOM"\n  custom_features = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"]\n}\n',
      'resource "google_compute_target_https_proxy" "web" {\n  name             = "web"\n  url_map          = google_compute_url_map.web.id\n  ssl_certificates = [google_compute_managed_ssl_certificate.web.id]\n  ssl_policy       = google_compute_ssl_policy.web.id\n}\n',
      'variable "min_tls_version" {}\nresource "google_compute_ssl_policy" "web" {\n  name            = "web"\n  profile         = "MODERN"\n  min_tls_version = var.min_tls_version\n}\n',
    ],
  },
  *check(input: TfInput) {
    for (const type of POLICY_TYPES) {
      for (const policy of resourcesOf(input, type)) {
        const a = attribute(policy.block, 'min_tls_version');
        const value = valueOf(input, policy.block, 'min_tls_version');
        if (a && !known(value)) continue;
        const unset = value === undefined || value === null;
        const version = unset ? 'TLS_1_0' : upper(value);
        if (!version || !OLD_TLS.has(version)) continue;
        const profileValue = valueOf(input, policy.block, 'profile');
        if (attribute(policy.block, 'profile') && !known(profileValue)) continue;
        const profile = profileValue === undefined || profileValue === null ? 'COMPATIBLE' : upper(profileValue);
        if (!profileAllowsOldTls(profile, valueOf(input, policy.block, 'custom_features'))) continue;
        const what = unset ? 'does not set min_tls_version (the default is TLS_1_0)' : `sets min_tls_version = "${version}"`;
        yield {
          line: a && !unset ? a.line : policy.block.line,
          message: `${label(policy)} ${what} with the ${profile ?? 'COMPATIBLE'} profile: its load balancers accept ${version === 'TLS_1_1' ? 'TLS 1.1' : 'TLS 1.0 and 1.1'}.`,
          resource: label(policy),
          ...(unset ? { severity: 'low' as const } : {}),
        };
      }
    }
    for (const type of PROXY_TYPES) {
      for (const proxy of resourcesOf(input, type)) {
        const a = attribute(proxy.block, 'ssl_policy');
        // A policy given by an expression that cannot be read may be a strong one.
        if (a && valueOf(input, proxy.block, 'ssl_policy') !== null) continue;
        yield {
          line: proxy.block.line,
          message: `${label(proxy)} has no ssl_policy, so it uses Google's default policy (COMPATIBLE profile, min_tls_version TLS_1_0): clients can connect with TLS 1.0 and 1.1.`,
          resource: label(proxy),
          severity: 'low',
        };
      }
    }
  },
});

export const gcpTlsRules: readonly TfRule[] = [sslPolicyWeakTls];

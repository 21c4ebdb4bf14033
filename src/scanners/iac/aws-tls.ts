/** AWS TLS settings that still accept TLS 1.0 or 1.1 (or SSLv3), and endpoints without TLS, whichever syntax writes them (Terraform, CloudFormation). */

/** Load balancer security policies that accept versions before TLS 1.2. */
export const OLD_ELB_POLICIES = /^ELBSecurityPolicy-(?:2015-05|2016-08|TLS-1-0-2015-04|TLS-1-1-2017-01|FS-2018-06|FS-1-1-2019-08)$|^ELBSecurityPolicy-TLS13-1-(?:0|1)-|^ELBSecurityPolicy-FS-1-1-|^ELBSecurityPolicy-TLS13-1-1-2021-06$/;

/** CloudFront minimum protocol versions before TLS 1.2. */
export const OLD_CLOUDFRONT_PROTOCOLS: ReadonlySet<string> = new Set(['SSLv3', 'TLSv1', 'TLSv1_2016', 'TLSv1.1_2016']);

/** Protocols before TLS 1.2 that CloudFront may use towards a custom origin (OriginSSLProtocols, origin_ssl_protocols). */
export const OLD_ORIGIN_PROTOCOLS: ReadonlySet<string> = new Set(['SSLv3', 'TLSv1', 'TLSv1.1']);

/**
 * Whether a custom origin's protocol policy (OriginProtocolPolicy, origin_protocol_policy)
 * is http-only: CloudFront then never reaches the origin over TLS, so the origin's TLS
 * protocol list is unused (the plain-HTTP origin is the finding of the origin-http rules).
 */
export const isHttpOnlyOrigin = (policy: unknown): boolean => typeof policy === 'string' && policy.toLowerCase() === 'http-only';

/** Attributes of a classic load balancer's SSL negotiation policy that turn on a protocol before TLS 1.2. */
export const OLD_SSL_NEGOTIATION_PROTOCOL = /^Protocol-(?:SSLv2|SSLv3|TLSv1|TLSv1\.1)$/;

/** An origin domain that only speaks HTTP: an S3 static website endpoint (`site.s3-website-eu-west-1.amazonaws.com`, `site.s3-website.eu-west-1.amazonaws.com`). */
export const S3_WEBSITE_ENDPOINT = /\.s3-website[.-]/;

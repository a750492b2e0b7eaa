/* oracle.c — the spec oracle (oracle.h): what a correct device must decide
 * for a recipe, with the rule that decides it.
 *
 * Layout:
 *  1. the rule table (kRules): the one list of rules, ids, reasons, RFC
 *     sections; docs/oracle.md mirrors it;
 *  2. facts about certificates (keys, algorithms, names, times);
 *  3. the chain-wide checks on what the server sends (size, encoding);
 *  4. the per-path checks, one function each, in the order of kPathChecks;
 *  5. path building (depth-first, RFC 4158 style) and the verdict.
 *
 * Every check function has the same contract: it scans the certificates of
 * the path it is about, records what it finds with found() (a REJECT is
 * attributed to a path position first) and returns the rule its struct
 * outcome holds: the REJECT on the certificate closest to the anchor, or
 * failing that the first EITHER, or R_NONE. judge_path picks among the
 * checks the same way (closest to the anchor, then check order); EITHER
 * rules count only when nothing on the path is a REJECT. */
#include "oracle.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bytestring.h>

#include "keypool.h"

/* --- 1. the rule table ---------------------------------------------------- */

enum {
  R_NONE = -1,
  R_CHAIN_TOO_LARGE = 0,
  R_PARSE_DER,
  R_PARSE_DUP_EXT,
  R_PARSE_DUP_UNKNOWN,
  R_PARSE_TIME,
  R_PARSE_EXPLICIT_DEFAULT,
  R_PARSE_SERIAL,
  R_PARSE_V2,
  R_PARSE_UID_V1,
  R_PARSE_STRING,
  R_EXT_OPAQUE,
  R_PATH_UNTRUSTED,
  R_ANCHOR_PINNED_LEAF,
  R_ANCHOR_NOT_SELF_SIGNED,
  R_PATH_NAME_NOT_IDENTICAL,
  R_PATH_AKI_MISMATCH,
  R_PATH_AKI_SKI_MISSING,
  R_PATH_TOO_DEEP,
  R_KEY_EXPLICIT_EC,
  R_KEY_EXPLICIT_EC_NAMED,
  R_ANCHOR_MALFORMED,
  R_SIG_ALG_MISMATCH,
  R_SIG_ALG_KEY,
  R_SIG_WRONG_KEY,
  R_SIG_DEFECT,
  R_VALIDITY_NOT_YET,
  R_VALIDITY_EXPIRED,
  R_ANCHOR_NOT_YET,
  R_ANCHOR_EXPIRED,
  R_CA_V1,
  R_CA_NOT_CA,
  R_CA_BC_NONCRITICAL,
  R_LEAF_IS_CA,
  R_ANCHOR_NOT_CA,
  R_CA_PATH_LEN,
  R_ANCHOR_PATH_LEN,
  R_KU_CA,
  R_ANCHOR_KU,
  R_KU_LEAF,
  R_KU_LEAF_TLS12,
  R_KU_CERT_SIGN_NOT_CA,
  R_KU_CA_ABSENT_STRICT,
  R_KU_LEAF_NO_PURPOSE,
  R_NC_PERMITTED,
  R_NC_EXCLUDED,
  R_NC_CN,
  R_NC_WILDCARD_EXCLUDED,
  R_NC_DNS_LEADING_DOT,
  R_NC_NONCRITICAL,
  R_NC_EMAIL_DN_SAN,
  R_NC_CN_NOT_USED,
  R_ANCHOR_NC,
  R_POLICY_MALFORMED,
  R_POLICY_MALFORMED_UNUSED,
  R_POLICY_NONE,
  R_EXT_UNKNOWN_CRITICAL,
  R_EXT_CRITICAL_UNMODELLED,
  R_ANCHOR_CRITICAL,
  R_EKU_LEAF,
  R_EKU_LEAF_ANY,
  R_EKU_CA,
  R_ALG_NOT_ACCEPTED,
  R_ALG_CURVE_HASH,
  R_KEY_RSA_SMALL,
  R_ANCHOR_RSA_SMALL,
  R_NAME_NOT_CONFIGURED,
  R_NAME_DNS,
  R_NAME_IP,
  R_NAME_CN_FALLBACK,
  R_NAME_PARTIAL_WILDCARD,
  R_NAME_PUBLIC_SUFFIX,
  R_NAME_TRAILING_DOT,
  R_NAME_IP_MAPPED,
  R_NAME_REF_NOT_DNS,
  R_COUNT,
};

#define REJ CF_EXPECT_REJECT
#define EIT CF_EXPECT_EITHER

/* kRules is the rule table, indexed by the R_* values above. */
static const struct cf_oracle_rule kRules[R_COUNT] = {
    [R_CHAIN_TOO_LARGE] = {"chain.too-large", REJ, CF_REASON_RESOURCE_LIMIT,
                           "device profile max-chain-bytes",
                           "the chain as sent exceeds the device's buffer"},
    [R_PARSE_DER] = {"parse.der", REJ, CF_REASON_PARSE,
                     "X.690 8.3.2, 10.1, 11.2; RFC 5280 4.1",
                     "a sent certificate is not a DER Certificate (long or "
                     "indefinite length, trailing data, non-minimal INTEGER, "
                     "wrong tag, unused signature bits, extra TBS field, a "
                     "GeneralName that is not one DER element)"},
    [R_PARSE_DUP_EXT] = {"parse.duplicate-extension", REJ, CF_REASON_PARSE,
                         "RFC 5280 4.2",
                         "a certificate MUST NOT include more than one "
                         "instance of a particular extension"},
    [R_PARSE_DUP_UNKNOWN] = {"parse.duplicate-unknown-extension", EIT,
                             CF_REASON_PARSE, "RFC 5280 4.2",
                             "a non-critical extension the libraries do not "
                             "know, twice: a CA MUST NOT, and a verifier that "
                             "skips unknown extensions never compares them"},
    [R_PARSE_TIME] = {"parse.time", REJ, CF_REASON_PARSE,
                      "RFC 5280 4.1.2.5.1, 4.1.2.5.2; X.690 11.7, 11.8",
                      "validity times MUST be YYMMDDHHMMSSZ / "
                      "YYYYMMDDHHMMSSZ: no fractions, no offsets, seconds "
                      "present, fields in range"},
    [R_PARSE_EXPLICIT_DEFAULT] = {"parse.explicit-default", EIT,
                                  CF_REASON_PARSE, "X.690 11.5; RFC 5280 4.1",
                                  "cA FALSE encoded explicitly: not DER, "
                                  "widely accepted"},
    [R_PARSE_SERIAL] = {"parse.serial", EIT, CF_REASON_PARSE,
                        "RFC 5280 4.1.2.2",
                        "serial zero, negative or over 20 octets: CAs MUST "
                        "NOT, users SHOULD gracefully handle"},
    [R_PARSE_V2] = {"parse.v2-no-unique-id", EIT, CF_REASON_PARSE,
                    "RFC 5280 4.1.2.1",
                    "version 2 without unique identifiers SHOULD be version "
                    "1; some parsers accept only v3"},
    [R_PARSE_UID_V1] = {"parse.unique-id-v1", EIT, CF_REASON_PARSE,
                        "RFC 5280 4.1.2.8",
                        "issuer or subject unique identifier in a version 1 "
                        "certificate: CAs MUST NOT; some parsers refuse it"},
    [R_PARSE_STRING] = {"parse.string-type", EIT, CF_REASON_PARSE,
                        "RFC 5280 4.1.2.4, 4.1.2.6; X.680 41 (PrintableString, "
                        "IA5String); RFC 3629 (UTF-8)",
                        "a DN attribute's value (subject, issuer, or a "
                        "directoryName in the SAN or name constraints) is "
                        "not valid for its string "
                        "type (a UTF8String that is not UTF-8, a "
                        "PrintableString outside its alphabet, an IA5String "
                        "above 0x7F): strict parsers refuse the certificate, "
                        "others take the bytes"},
    [R_EXT_OPAQUE] = {"ext.opaque", EIT, CF_REASON_OTHER,
                      "RFC 5280 4.2 (oracle limit)",
                      "a raw extension reuses an OID certgen models; the "
                      "oracle cannot judge its contents"},
    [R_PATH_UNTRUSTED] = {"path.untrusted", REJ, CF_REASON_UNTRUSTED,
                          "RFC 5280 6.1, 6.1.1 (d); RFC 4158",
                          "no issuer chain by name reaches a trust anchor"},
    [R_ANCHOR_PINNED_LEAF] = {"anchor.pinned-leaf", EIT, CF_REASON_UNTRUSTED,
                              "RFC 5280 6.1 (n >= 1), 6.1.1 (d)",
                              "the leaf is itself a trust anchor: an empty "
                              "path, which libraries treat differently"},
    [R_ANCHOR_NOT_SELF_SIGNED] = {"anchor.not-self-signed", EIT,
                                  CF_REASON_UNTRUSTED, "RFC 5280 6.1.1 (d)",
                                  "a path ends at a non-self-issued anchor "
                                  "and the device lacks partial-chain"},
    [R_PATH_NAME_NOT_IDENTICAL] = {"path.name-not-identical", EIT,
                                   CF_REASON_UNTRUSTED, "RFC 5280 7.1, 4.1.2.4",
                                   "issuer and subject DN match only after "
                                   "case folding or across string types"},
    [R_PATH_AKI_MISMATCH] = {"path.aki-mismatch", EIT, CF_REASON_UNTRUSTED,
                             "RFC 5280 4.2.1.1",
                             "the AKI differs from the issuer's SKI: "
                             "libraries that select issuers by key id fail"},
    [R_PATH_AKI_SKI_MISSING] = {"path.aki-ski-missing", EIT,
                                CF_REASON_UNTRUSTED,
                                "RFC 5280 4.2.1.1, 4.2.1.2",
                                "a v3 certificate without AKI or a CA without "
                                "SKI (CA MUSTs; strict libraries refuse)"},
    [R_PATH_TOO_DEEP] = {"path.too-deep", REJ, CF_REASON_PATH_LENGTH,
                         "RFC 5280 6.1 (implementation limit); device "
                         "max-depth",
                         "more intermediates than the device allows"},
    [R_KEY_EXPLICIT_EC] = {"key.explicit-ec-generator", REJ, CF_REASON_PARSE,
                           "RFC 5480 2.1.1",
                           "specifiedCurve (MUST NOT be used) with a chosen "
                           "generator (CVE-2020-0601)"},
    [R_KEY_EXPLICIT_EC_NAMED] = {"key.explicit-ec-named", EIT,
                                 CF_REASON_PARSE, "RFC 5480 2.1.1",
                                 "explicit parameters equal to a named curve: "
                                 "the genuine key, a forbidden encoding"},
    [R_ANCHOR_MALFORMED] = {"anchor.malformed", EIT, CF_REASON_UNTRUSTED,
                            "RFC 5280 6.1.1 (d)",
                            "a trust anchor that does not parse strictly; "
                            "its store may or may not load it"},
    [R_SIG_ALG_MISMATCH] = {"sig.alg-mismatch", REJ, CF_REASON_SIGNATURE,
                            "RFC 5280 4.1.1.2",
                            "signatureAlgorithm MUST equal the TBS signature "
                            "field"},
    [R_SIG_ALG_KEY] = {"sig.alg-key-mismatch", REJ, CF_REASON_SIGNATURE,
                       "RFC 5280 6.1.3 (a)(1); RFC 3279 2.2; RFC 5758 3.2",
                       "the signature algorithm cannot be made by the "
                       "issuer's key type (or is unknown)"},
    [R_SIG_WRONG_KEY] = {"sig.wrong-key", REJ, CF_REASON_SIGNATURE,
                         "RFC 5280 6.1.3 (a)(1)",
                         "the signature does not verify with the issuer's "
                         "public key and parameters"},
    [R_SIG_DEFECT] = {"sig.defect", REJ, CF_REASON_SIGNATURE,
                      "RFC 5280 6.1.3 (a)(1); RFC 8017 8.2.2; FIPS 186-5 "
                      "6.4.2",
                      "a corrupted, truncated, empty, zero or forged "
                      "signature value"},
    [R_VALIDITY_NOT_YET] = {"validity.not-yet-valid", REJ,
                            CF_REASON_NOT_YET_VALID,
                            "RFC 5280 6.1.3 (a)(2), 4.1.2.5",
                            "the device time is before notBefore"},
    [R_VALIDITY_EXPIRED] = {"validity.expired", REJ, CF_REASON_EXPIRED,
                            "RFC 5280 6.1.3 (a)(2), 4.1.2.5",
                            "the device time is after notAfter (inclusive "
                            "bounds)"},
    [R_ANCHOR_NOT_YET] = {"anchor.not-yet-valid", EIT,
                          CF_REASON_NOT_YET_VALID, "RFC 5280 6.1.1 (d)",
                          "anchor validity is not part of path validation; "
                          "many libraries check it"},
    [R_ANCHOR_EXPIRED] = {"anchor.expired", EIT, CF_REASON_EXPIRED,
                          "RFC 5280 6.1.1 (d)",
                          "anchor validity is not part of path validation; "
                          "many libraries check it"},
    [R_CA_V1] = {"ca.v1-v2-intermediate", REJ, CF_REASON_NOT_CA,
                 "RFC 5280 6.1.4 (k)",
                 "a version 1 or 2 intermediate MUST be rejected unless "
                 "known to be a CA out of band"},
    [R_CA_NOT_CA] = {"ca.not-ca", REJ, CF_REASON_NOT_CA,
                     "RFC 5280 6.1.4 (k), 4.2.1.9",
                     "an issuer without basicConstraints cA TRUE"},
    [R_CA_BC_NONCRITICAL] = {"ca.bc-noncritical", EIT, CF_REASON_NOT_CA,
                             "RFC 5280 4.2.1.9",
                             "a CA's basicConstraints is not critical (a CA "
                             "MUST; strict libraries refuse)"},
    [R_LEAF_IS_CA] = {"leaf.is-ca", EIT, CF_REASON_NOT_CA,
                      "RFC 5280 4.2.1.9; CA/B BR 7.1.2.7.8",
                      "the leaf has cA TRUE: allowed by RFC 5280, refused "
                      "by BR-profile libraries (webpki)"},
    [R_ANCHOR_NOT_CA] = {"anchor.not-ca", EIT, CF_REASON_NOT_CA,
                         "RFC 5280 6.1.1 (d); RFC 5937 3",
                         "a v3 anchor without cA TRUE: anchor constraints "
                         "are optional"},
    [R_CA_PATH_LEN] = {"ca.path-len", REJ, CF_REASON_PATH_LENGTH,
                       "RFC 5280 6.1.4 (l), (m), 4.2.1.9",
                       "more non-self-issued intermediates below a CA than "
                       "its pathLenConstraint"},
    [R_ANCHOR_PATH_LEN] = {"anchor.path-len", EIT, CF_REASON_PATH_LENGTH,
                           "RFC 5280 6.1.1 (d); RFC 5937 3",
                           "the anchor's pathLenConstraint is exceeded; "
                           "applying anchor constraints is optional"},
    [R_KU_CA] = {"ku.ca-no-cert-sign", REJ, CF_REASON_KEY_USAGE,
                 "RFC 5280 6.1.4 (n), 4.2.1.3",
                 "an issuer with keyUsage but without keyCertSign"},
    [R_ANCHOR_KU] = {"anchor.key-usage", EIT, CF_REASON_KEY_USAGE,
                     "RFC 5280 6.1.1 (d); RFC 5937 3",
                     "an anchor with keyUsage but without keyCertSign"},
    [R_KU_LEAF] = {"ku.leaf-tls", REJ, CF_REASON_KEY_USAGE,
                   "RFC 5280 4.2.1.3; RFC 8446 4.4.2.2; RFC 5246 7.4.2",
                   "the leaf's keyUsage allows no TLS use of its key"},
    [R_KU_LEAF_TLS12] = {"ku.leaf-tls12-only", EIT, CF_REASON_KEY_USAGE,
                         "RFC 8446 4.4.2.2; RFC 5246 7.4.2; RFC 4492 5.3",
                         "the leaf's key may only encipher or agree keys: "
                         "TLS 1.2 RSA/ECDH suites only"},
    [R_KU_CERT_SIGN_NOT_CA] = {"ku.cert-sign-not-ca", EIT,
                               CF_REASON_KEY_USAGE, "RFC 5280 4.2.1.3",
                               "keyCertSign without cA TRUE (a CA MUST NOT; "
                               "not a path validation step)"},
    [R_KU_CA_ABSENT_STRICT] = {"ku.ca-absent-strict", EIT,
                               CF_REASON_KEY_USAGE, "RFC 5280 4.2.1.3",
                               "a device in strict mode, a CA certificate on "
                               "the path without keyUsage (a CA MUST that "
                               "path validation does not check)"},
    [R_KU_LEAF_NO_PURPOSE] = {"ku.leaf-no-purpose", EIT, CF_REASON_KEY_USAGE,
                              "RFC 8446 4.4.2.2; RFC 5280 4.2.1.3",
                              "a device that checks no purpose, a leaf whose "
                              "keyUsage lacks digitalSignature: its TLS stack "
                              "may still ask for it"},
    [R_NC_PERMITTED] = {"nc.permitted", REJ, CF_REASON_NAME_CONSTRAINTS,
                        "RFC 5280 6.1.3 (b), 6.1.4 (g), 4.2.1.10",
                        "a name outside the permitted subtrees of a CA on "
                        "the path"},
    [R_NC_EXCLUDED] = {"nc.excluded", REJ, CF_REASON_NAME_CONSTRAINTS,
                       "RFC 5280 6.1.3 (c), 6.1.4 (g), 4.2.1.10",
                       "a name (or a name a wildcard covers) inside an "
                       "excluded subtree"},
    [R_NC_CN] = {"nc.cn-as-name", REJ, CF_REASON_NAME_CONSTRAINTS,
                 "RFC 5280 4.2.1.10; RFC 6125 6.4.4",
                 "a subject CN used as the DNS name violates dNSName "
                 "constraints"},
    [R_NC_WILDCARD_EXCLUDED] = {"nc.wildcard-excluded", EIT,
                                CF_REASON_NAME_CONSTRAINTS,
                                "RFC 5280 4.2.1.10",
                                "a wildcard SAN covers an excluded name other "
                                "than the device's: refuse the cert or not"},
    [R_NC_DNS_LEADING_DOT] = {"nc.dns-leading-dot", EIT,
                              CF_REASON_NAME_CONSTRAINTS, "RFC 5280 4.2.1.10",
                              "a dNSName constraint \".example.com\" and "
                              "the apex example.com: undefined for DNS"},
    [R_NC_NONCRITICAL] = {"nc.noncritical", EIT, CF_REASON_NAME_CONSTRAINTS,
                          "RFC 5280 4.2.1.10",
                          "nameConstraints not critical (a CA MUST; strict "
                          "libraries refuse)"},
    [R_NC_EMAIL_DN_SAN] = {"nc.email-in-dn-with-san", EIT,
                           CF_REASON_NAME_CONSTRAINTS, "RFC 5280 4.2.1.10",
                           "an emailAddress in the subject of a certificate "
                           "with a SAN breaks an rfc822Name constraint: it "
                           "MUST apply without a SAN; libraries apply it "
                           "anyway"},
    [R_NC_CN_NOT_USED] = {"nc.cn-not-used", EIT,
                          CF_REASON_NAME_CONSTRAINTS,
                          "RFC 5280 4.2.1.10; RFC 6125 6.4.4",
                          "the CN of a leaf without dNSName SAN looks like "
                          "a host name and breaks a dNSName constraint, "
                          "but the device does not match it (by IP, say): "
                          "OpenSSL checks every such CN"},
    [R_ANCHOR_NC] = {"anchor.name-constraints", EIT,
                     CF_REASON_NAME_CONSTRAINTS,
                     "RFC 5280 6.1.1 (d); RFC 5937 3",
                     "the anchor's own name constraints are violated; "
                     "applying them is optional"},
    [R_POLICY_MALFORMED] = {"policy.malformed", REJ, CF_REASON_POLICY,
                            "RFC 5280 4.2.1.4, 4.2.1.11, 6.1.3 (d), 6.1.4 (a)",
                            "certificatePolicies or policyConstraints that "
                            "do not decode, repeat an OID or are empty, or "
                            "policyMappings of anyPolicy"},
    [R_POLICY_MALFORMED_UNUSED] = {"policy.malformed-unused", EIT,
                                   CF_REASON_POLICY,
                                   "RFC 5280 4.2, 4.2.1.4, 6.1.3 (d), 6.1.4 (a)",
                                   "malformed policies where no CA requires an "
                                   "explicit policy: libraries that skip "
                                   "policy processing never see them"},
    [R_POLICY_NONE] = {"policy.no-explicit-policy", REJ, CF_REASON_POLICY,
                       "RFC 5280 6.1.3 (f), 6.1.5 (g), 4.2.1.11",
                       "an explicit policy is required and the valid "
                       "policy tree is empty"},
    [R_EXT_UNKNOWN_CRITICAL] = {"ext.unknown-critical", REJ,
                                CF_REASON_CRITICAL_EXTENSION,
                                "RFC 5280 4.2, 6.1.4 (o), 6.1.5 (f)",
                                "a critical extension the device cannot "
                                "process"},
    [R_EXT_CRITICAL_UNMODELLED] = {"ext.critical-pkix", EIT,
                                   CF_REASON_CRITICAL_EXTENSION,
                                   "RFC 5280 4.2, 6.1.4 (o)",
                                   "a critical PKIX extension (AIA, CRLDP, "
                                   "policyMappings...) some libraries "
                                   "process"},
    [R_ANCHOR_CRITICAL] = {"anchor.critical-extension", EIT,
                           CF_REASON_CRITICAL_EXTENSION,
                           "RFC 5280 6.1.1 (d)",
                           "an unknown critical extension in the anchor, "
                           "which is not processed"},
    [R_EKU_LEAF] = {"eku.leaf", REJ, CF_REASON_EKU, "RFC 5280 4.2.1.12",
                    "the leaf's EKU has neither the device's purpose nor "
                    "anyExtendedKeyUsage"},
    [R_EKU_LEAF_ANY] = {"eku.leaf-any", EIT, CF_REASON_EKU,
                        "RFC 5280 4.2.1.12; CA/B BR 7.1.2.7.10",
                        "the leaf's EKU allows the purpose only through "
                        "anyExtendedKeyUsage"},
    [R_EKU_CA] = {"eku.ca", EIT, CF_REASON_EKU,
                  "RFC 5280 4.2.1.12; CA/B BR 7.1.2.6",
                  "a CA's EKU omits the purpose (anyExtendedKeyUsage "
                  "included): libraries differ on EKU chaining"},
    [R_ALG_NOT_ACCEPTED] = {"alg.not-accepted", REJ,
                            CF_REASON_WEAK_ALGORITHM,
                            "RFC 5280 6.1.3 (a)(1); RFC 9155; device "
                            "algorithms",
                            "a signature on the path uses an algorithm the "
                            "device does not accept"},
    [R_ALG_CURVE_HASH] = {"alg.curve-hash-mismatch", EIT,
                          CF_REASON_WEAK_ALGORITHM,
                          "RFC 5758 3.2; CA/B BR 7.1.3.2.2",
                          "ECDSA with a hash other than the curve's "
                          "(P-256/SHA-256, P-384/SHA-384, P-521/SHA-512)"},
    [R_KEY_RSA_SMALL] = {"key.rsa-too-small", REJ, CF_REASON_WEAK_KEY,
                         "device min-rsa-bits; CA/B BR 6.1.5",
                         "an RSA key on the path below the device's "
                         "minimum"},
    [R_ANCHOR_RSA_SMALL] = {"anchor.rsa-too-small", EIT, CF_REASON_WEAK_KEY,
                            "RFC 5280 6.1.1 (d); device min-rsa-bits",
                            "the anchor's RSA key is below the device's "
                            "minimum"},
    [R_NAME_NOT_CONFIGURED] = {"name.not-configured", REJ,
                               CF_REASON_NAME_MISMATCH,
                               "RFC 9525 6; RFC 6125 6; Mbed TLS CVE-2025-27809",
                               "the device checks no server name, so any server "
                               "with a trusted chain would pass: fail closed "
                               "(B17)"},
    [R_NAME_DNS] = {"name.dns-mismatch", REJ, CF_REASON_NAME_MISMATCH,
                    "RFC 6125 6.4.1, 6.4.3, 6.4.4; RFC 2818 3.1",
                    "no dNSName SAN (nor usable CN) matches the device's "
                    "DNS name"},
    [R_NAME_IP] = {"name.ip-mismatch", REJ, CF_REASON_NAME_MISMATCH,
                   "RFC 2818 3.1; RFC 5280 4.2.1.6",
                   "no iPAddress SAN equals the device's IP address"},
    [R_NAME_PUBLIC_SUFFIX] = {"name.wildcard-public-suffix", EIT,
                              CF_REASON_NAME_MISMATCH,
                              "RFC 6125 7.2; CA/B BR 3.2.2.6",
                              "a wildcard directly under a two-label public "
                              "suffix (*.co.uk): PSL-aware clients refuse"},
    [R_NAME_TRAILING_DOT] = {"name.trailing-dot", EIT, CF_REASON_NAME_MISMATCH,
                             "RFC 5280 4.2.1.6; RFC 6125 6.4.1",
                             "names match only once a trailing dot is "
                             "removed"},
    [R_NAME_IP_MAPPED] = {"name.ip-mapped", EIT, CF_REASON_NAME_MISMATCH,
                          "RFC 5280 4.2.1.6; RFC 4291 2.5.5.2",
                          "an IPv4-mapped IPv6 address against the IPv4 "
                          "one (or back)"},
    [R_NAME_REF_NOT_DNS] = {"name.reference-not-dns", EIT,
                             CF_REASON_NAME_MISMATCH,
                             "RFC 6125 6.4.2; RFC 5890 2.3.2.1",
                             "the device's name is no DNS host name: bytes "
                             "no host name has (anything but letters, "
                             "digits, '-', '_' and '.') that a SAN matches, "
                             "or a leading "
                             "dot that a SAN's name is under (OpenSSL reads "
                             "it as 'any subdomain'); matching is defined on "
                             "host names and libraries differ"},
    [R_NAME_CN_FALLBACK] = {"name.cn-fallback", EIT, CF_REASON_NAME_MISMATCH,
                            "RFC 6125 6.4.4; CA/B BR 7.1.4.3",
                            "the name matches only the subject CN of a leaf "
                            "without dNSName SANs"},
    [R_NAME_PARTIAL_WILDCARD] = {"name.partial-wildcard", EIT,
                                 CF_REASON_NAME_MISMATCH,
                                 "RFC 6125 6.4.3 item 3; CA/B BR 1.6.1 "
                                 "(Wildcard Domain Name)",
                                 "the name matches only a partial-label "
                                 "wildcard (f*.example.com)"},
};

const struct cf_oracle_rule *cf_oracle_rules(size_t *out_num) {
  *out_num = R_COUNT;
  return kRules;
}

/* --- 2. facts -------------------------------------------------------------- */

#define MAX_CERTS CF_RECIPE_MAX_CERTS
/* MAX_PATHS and MAX_STEPS bound path building on pathological recipes
 * (many certificates with one subject): the oracle judges the paths found
 * so far and says so in the detail. */
#define MAX_PATHS 512
#define MAX_STEPS 20000

static const char kOidServerAuth[] = "1.3.6.1.5.5.7.3.1";
static const char kOidClientAuth[] = "1.3.6.1.5.5.7.3.2";
static const char kOidAnyEku[] = "2.5.29.37.0";
static const char kOidAnyPolicy[] = "2.5.29.32.0";
static const char kOidCN[] = "2.5.4.3";
static const char kOidEmail[] = "1.2.840.113549.1.9.1";

/* kNativeExts are the extensions certgen writes itself from a recipe's
 * fields (recipe.h): the device is expected to know each of them. |word|
 * is the recipe's word for it (features name an extension by it); |id| its
 * cf_ext_id, or one of the EXT_* below for those `duplicate` cannot name. */
enum { EXT_PC = -1, EXT_IAP = -2, EXT_POLICY_MAPS = -3 };

static const struct {
  const char *oid, *word;
  int id;
} kNativeExts[] = {
    {"2.5.29.19", "basic-constraints", CF_EXT_BC},
    {"2.5.29.15", "key-usage", CF_EXT_KU},
    {"2.5.29.37", "eku", CF_EXT_EKU},
    {"2.5.29.17", "san", CF_EXT_SAN},
    {"2.5.29.30", "name-constraints", CF_EXT_NC},
    {"2.5.29.14", "ski", CF_EXT_SKI},
    {"2.5.29.35", "aki", CF_EXT_AKI},
    {"2.5.29.32", "policies", CF_EXT_POLICIES},
    {"2.5.29.33", "policy-mappings", EXT_POLICY_MAPS},
    {"2.5.29.36", "policy-constraints", EXT_PC},
    {"2.5.29.54", "inhibit-any-policy", EXT_IAP},
};

/* kPkixOids are PKIX extensions certgen does not model but that common
 * libraries recognise (OpenSSL's supported list, Go, NSS): critical, a
 * device may process them or refuse them. */
static const char *const kPkixOids[] = {
    "2.5.29.31",          /* cRLDistributionPoints */
    "2.5.29.46",          /* freshestCRL */
    "2.5.29.9",           /* subjectDirectoryAttributes */
    "2.5.29.18",          /* issuerAltName */
    "1.3.6.1.5.5.7.1.1",  /* authorityInfoAccess */
    "1.3.6.1.5.5.7.1.11", /* subjectInfoAccess */
    "1.3.6.1.5.5.7.1.24", /* TLS feature */
};

static int oid_in(const char *oid, const char *const *list, size_t num) {
  for (size_t i = 0; i < num; i++) {
    if (strcmp(oid, list[i]) == 0) {
      return 1;
    }
  }
  return 0;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* native_index returns the index in kNativeExts of |oid|, or -1. */
static int native_index(const char *oid) {
  for (size_t i = 0; i < ARRAY_LEN(kNativeExts); i++) {
    if (strcmp(kNativeExts[i].oid, oid) == 0) {
      return (int)i;
    }
  }
  return -1;
}

static int is_native(const char *oid) { return native_index(oid) >= 0; }

/* native_ext_present says whether |c| carries the native extension with
 * OID |oid| (as build.c writes it: only in version 3). */
static int native_ext_present(const struct cf_rcert *c, const char *oid) {
  int i = native_index(oid);
  if (c->version != 3 || i < 0) {
    return 0;
  }
  switch (kNativeExts[i].id) {
    case EXT_PC:
      return c->pc_present;
    case EXT_IAP:
      return c->inhibit_any_policy >= 0;
    case EXT_POLICY_MAPS:
      return c->num_policy_maps > 0;
    default:
      return cf_rcert_has_ext(c, (enum cf_ext_id)kNativeExts[i].id);
  }
}

/* The extension fields of a cf_rcert describe what build.c writes only for
 * version 3; the accessors below say what the certificate really carries. */
static int has_exts(const struct cf_rcert *c) { return c->version == 3; }

static enum cf_bc_mode bc_of(const struct cf_rcert *c) {
  return has_exts(c) ? c->bc : CF_RBC_ABSENT;
}

static int ku_present(const struct cf_rcert *c) {
  return has_exts(c) && c->ku_present;
}

static int eku_present(const struct cf_rcert *c) {
  return has_exts(c) && c->eku_present;
}

static int san_present(const struct cf_rcert *c) {
  return has_exts(c) && c->san_present;
}

static int nc_present(const struct cf_rcert *c) {
  return has_exts(c) && (c->permitted.num > 0 || c->excluded.num > 0);
}

static const struct cf_pool_info *key_info(int key) {
  return cf_pool_get(key);
}

/* Signature algorithm kinds: which key type can make a signature. */
enum alg_kind { AK_NONE = 0, AK_RSA, AK_EC, AK_ED25519 };

static enum alg_kind alg_kind(enum cf_sig_alg a) {
  switch (a) {
    case CF_ALG_RSA_PKCS1_MD5:
    case CF_ALG_RSA_PKCS1_SHA1:
    case CF_ALG_RSA_PKCS1_SHA256:
    case CF_ALG_RSA_PKCS1_SHA384:
    case CF_ALG_RSA_PKCS1_SHA512:
    case CF_ALG_RSA_PSS_SHA256:
      return AK_RSA;
    case CF_ALG_ECDSA_SHA1:
    case CF_ALG_ECDSA_SHA256:
    case CF_ALG_ECDSA_SHA384:
    case CF_ALG_ECDSA_SHA512:
      return AK_EC;
    case CF_ALG_ED25519:
      return AK_ED25519;
    default:
      return AK_NONE;
  }
}

static enum alg_kind key_kind(int key) {
  const struct cf_pool_info *info = key_info(key);
  if (info == NULL) {
    return AK_NONE;
  }
  switch (info->type) {
    case CF_KT_RSA:
      return AK_RSA;
    case CF_KT_EC:
      return AK_EC;
    default:
      return AK_ED25519;
  }
}

/* default_alg is the algorithm key |key| signs with by default (recipe.h:
 * the `sig-alg` default; the same table as build.c). */
static enum cf_sig_alg default_alg(int key) {
  const struct cf_pool_info *info = key_info(key);
  if (info == NULL) {
    return CF_ALG_DEFAULT;
  }
  switch (info->type) {
    case CF_KT_RSA:
      return CF_ALG_RSA_PKCS1_SHA256;
    case CF_KT_EC:
      return info->bits == 384   ? CF_ALG_ECDSA_SHA384
             : info->bits == 521 ? CF_ALG_ECDSA_SHA512
                                 : CF_ALG_ECDSA_SHA256;
    default:
      return CF_ALG_ED25519;
  }
}

/* signer_key is the key that really signed certificate |c|. */
static int signer_key(const struct cf_recipe *r, const struct cf_rcert *c) {
  return c->signed_by >= 0 ? c->signed_by : r->certs[c->issuer].key;
}

/* signer_explicit_gen says whether |c| was signed through its issuer's
 * explicit generator (build.c: signed-by overrides it). */
static int signer_explicit_gen(const struct cf_recipe *r,
                               const struct cf_rcert *c) {
  return c->signed_by < 0 &&
         r->certs[c->issuer].spki == CF_SPKI_EXPLICIT_GENERATOR;
}

static enum cf_sig_alg eff_alg(const struct cf_recipe *r,
                               const struct cf_rcert *c, enum cf_sig_alg a) {
  return a == CF_ALG_DEFAULT ? default_alg(signer_key(r, c)) : a;
}

static const char *alg_word(enum cf_sig_alg a, const char *oid) {
  const char *name = cf_sig_alg_name(a);
  return name != NULL ? name : a == CF_ALG_OID ? oid : "?";
}

/* ascii_lower folds ASCII letters only (RFC 4518 case folding restricted to
 * ASCII; RFC 6125 6.4.1 for DNS labels). */
static uint8_t ascii_lower(uint8_t ch) {
  return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch - 'A' + 'a') : ch;
}

static int ieq(const uint8_t *a, const uint8_t *b, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) {
      return 0;
    }
  }
  return 1;
}

/* ends_with_i says whether |s| ends with |suffix|, ASCII case-insensitive. */
static int ends_with_i(const uint8_t *s, size_t s_len, const uint8_t *suffix,
                       size_t suffix_len) {
  return s_len >= suffix_len &&
         ieq(s + s_len - suffix_len, suffix, suffix_len);
}

/* printable_value: every byte of |a|'s value is in X.680 41.4's
 * PrintableString alphabet. */
static int printable_value(const struct cf_rattr *a) {
  for (size_t i = 0; i < a->value_len; i++) {
    uint8_t ch = a->value[i];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
          (ch >= '0' && ch <= '9') ||
          (ch != 0 && strchr(" '()+,-./:=?", ch) != NULL))) {
      return 0;
    }
  }
  return 1;
}

/* ascii_value: every byte of |a|'s value is 7-bit ASCII. */
static int ascii_value(const struct cf_rattr *a) {
  for (size_t i = 0; i < a->value_len; i++) {
    if (a->value[i] & 0x80) {
      return 0;
    }
  }
  return 1;
}

/* unicode_text: |a| is a value RFC 4518 2.1 transcodes to Unicode without
 * ambiguity: UTF8String, PrintableString, BMPString, UniversalString (the
 * recipe holds them all as UTF-8 text; build.c converts BMP and
 * Universal), a TeletexString made only of PrintableString characters, on
 * which every reading of T.61 (ISO 8859-1 for BoringSSL and OpenSSL)
 * agrees with ASCII; and an ASCII IA5String, not a DirectoryString but
 * canonicalised with them by OpenSSL and BoringSSL (ASN1_MASK_CANON, found
 * from an empty corpus: BoringSSL chained an IA5String issuer name to a
 * UTF8String subject). */
static int unicode_text(const struct cf_rattr *a) {
  return a->type == CF_STR_UTF8 || a->type == CF_STR_PRINTABLE ||
         a->type == CF_STR_BMP || a->type == CF_STR_UNIVERSAL ||
         (a->type == CF_STR_T61 && printable_value(a)) ||
         (a->type == CF_STR_IA5 && ascii_value(a));
}

/* space_fold writes |a|'s value with RFC 4518 2.6.1's insignificant space
 * handling into |out| (capacity CF_RECIPE_MAX_VALUE) and returns its
 * length: no leading or trailing spaces, each internal run of spaces one
 * space (the RFC's two-space form compares the same way). A value with
 * no other character, the empty one too, becomes one space. */
static size_t space_fold(uint8_t *out, const struct cf_rattr *a) {
  size_t n = 0, i = 0, len = a->value_len;
  while (i < len && a->value[i] == ' ') {
    i++;
  }
  while (len > i && a->value[len - 1] == ' ') {
    len--;
  }
  if (i == len) { /* RFC 4518: no non-space character, two spaces */
    out[0] = ' ';
    return 1;
  }
  for (; i < len; i++) {
    if (a->value[i] == ' ' && n > 0 && out[n - 1] == ' ') {
      continue;
    }
    out[n++] = a->value[i];
  }
  return n;
}

/* attr_equal compares two attributes as RFC 5280 7.1 asks, restricted to
 * what the oracle can do without full StringPrep: same type OID; string
 * types equal, except that the types of unicode_text compare as one (RFC
 * 4518 2.1 transcodes them all to Unicode); values equal after ASCII case
 * folding and, for unicode_text values, RFC 4518 2.6.1's insignificant
 * space handling (OpenSSL's and BoringSSL's canonical names do both; no
 * Unicode case folding or normalisation). */
static int attr_equal(const struct cf_rattr *a, const struct cf_rattr *b) {
  static uint8_t fa[CF_RECIPE_MAX_VALUE], fb[CF_RECIPE_MAX_VALUE];
  int a_text = unicode_text(a);
  int b_text = unicode_text(b);
  if (strcmp(a->oid, b->oid) != 0) {
    return 0;
  }
  if (a->type != b->type && !(a_text && b_text)) {
    return 0;
  }
  if (a_text && b_text) {
    size_t la = space_fold(fa, a), lb = space_fold(fb, b);
    return la == lb && ieq(fa, fb, la);
  }
  return a->value_len == b->value_len && ieq(a->value, b->value, a->value_len);
}

static int dn_equal(const struct cf_rname *a, const struct cf_rname *b) {
  if (a->num_attrs != b->num_attrs) {
    return 0;
  }
  for (size_t i = 0; i < a->num_attrs; i++) {
    if (!attr_equal(&a->attrs[i], &b->attrs[i])) {
      return 0;
    }
  }
  return 1;
}

/* dn_within says whether |dn| is in the subtree |base| (RFC 5280 4.2.1.10
 * directoryName: |base|'s RDNs are a prefix of |dn|'s). */
static int dn_within(const struct cf_rname *dn, const struct cf_rname *base) {
  if (base->num_attrs > dn->num_attrs) {
    return 0;
  }
  for (size_t i = 0; i < base->num_attrs; i++) {
    if (!attr_equal(&dn->attrs[i], &base->attrs[i])) {
      return 0;
    }
  }
  return 1;
}

static const struct cf_rname *issuer_dn(const struct cf_recipe *r,
                                        const struct cf_rcert *c) {
  return c->has_issuer_name ? &c->issuer_name : &r->certs[c->issuer].subject;
}

/* self_issued: issuer and subject DNs match (RFC 5280 6.1). */
static int self_issued(const struct cf_recipe *r, const struct cf_rcert *c) {
  return dn_equal(issuer_dn(r, c), &c->subject);
}

/* --- times --- */

/* days_from_civil returns the days since 1970-01-01 of a proleptic
 * Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

/* year_of returns the Gregorian year of Unix time |t| (H. Hinnant's
 * civil_from_days). */
static int64_t year_of(int64_t t) {
  int64_t days = t / 86400 - (t % 86400 < 0);
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (m <= 2);
}

static int digits(const char *s, size_t n, unsigned *out) {
  unsigned v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return 0;
    }
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  *out = v;
  return 1;
}

/* parse_raw_time parses the content octets of a raw time as DER requires
 * (RFC 5280 4.1.2.5.1 UTCTime YYMMDDHHMMSSZ, 4.1.2.5.2 GeneralizedTime
 * YYYYMMDDHHMMSSZ). It returns 1 and the time in |*out_t|, or 0 when the
 * string is not a valid DER time of its type. */
static int parse_raw_time(int64_t *out_t, const char *s, int gen) {
  size_t year_len = gen ? 4 : 2;
  size_t len = strlen(s);
  unsigned y, mo, d, h, mi, sec;
  if (len != year_len + 11 || s[len - 1] != 'Z' ||
      !digits(s, year_len, &y) || !digits(s + year_len, 2, &mo) ||
      !digits(s + year_len + 2, 2, &d) || !digits(s + year_len + 4, 2, &h) ||
      !digits(s + year_len + 6, 2, &mi) || !digits(s + year_len + 8, 2, &sec)) {
    return 0;
  }
  if (!gen) {
    y += y >= 50 ? 1900 : 2000; /* RFC 5280 4.1.2.5.1 */
  }
  static const unsigned kDays[12] = {31, 29, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] ||
      (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59) {
    return 0;
  }
  *out_t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  return 1;
}

/* time_facts says how the device reads time |rt|: |*out_ok| 0 for a
 * malformed raw time, |*out_gen_early| 1 for GeneralizedTime before 2050,
 * and the value in |*out_t|. */
static void time_facts(int *out_ok, int *out_gen_early, int64_t *out_t,
                       const struct cf_rtime *rt) {
  *out_ok = 1;
  *out_gen_early = 0;
  *out_t = rt->t;
  switch (rt->enc) {
    case CF_TIME_RAW_UTC:
    case CF_TIME_RAW_GEN:
      if (!parse_raw_time(out_t, rt->raw, rt->enc == CF_TIME_RAW_GEN)) {
        *out_ok = 0;
        return;
      }
      *out_gen_early = rt->enc == CF_TIME_RAW_GEN && year_of(*out_t) < 2050;
      return;
    case CF_TIME_GEN:
      *out_gen_early = year_of(rt->t) < 2050;
      return;
    default:
      return;
  }
}

/* --- the judgement's working state --- */

struct ctx {
  const struct cf_recipe *r;
  const struct cf_built *b;
  const struct cf_profile *prof;
  int64_t now;
  int is_anchor[MAX_CERTS];
  int in_chain[MAX_CERTS];
};

/* path: idx[0] is the leaf, idx[len-1] the trust anchor. A path of one
 * certificate is a leaf that is itself an anchor (a pinned certificate). */
struct path {
  int idx[MAX_CERTS];
  size_t len;
};

/* num_checked is the number of certificates validated as the RFC path
 * (everything but the anchor; the leaf when the leaf is the anchor). */
static size_t num_checked(const struct path *p) {
  return p->len == 1 ? 1 : p->len - 1;
}

static int has_anchor_pos(const struct path *p) { return p->len > 1; }

static const struct cf_rcert *at(const struct ctx *x, const struct path *p,
                                 size_t pos) {
  return &x->r->certs[p->idx[pos]];
}

/* outcome collects what a check found. |pos| is the path position of the
 * certificate a REJECT is attributed to (0 the leaf); a check sets |at|
 * before calling found(). */
struct outcome {
  int rule;
  size_t pos, at;
  char detail[256];
  char feature[CF_ORACLE_FEATURE_LEN]; /* set_feature(); "" for none */
  unsigned recorded; /* how many times found() recorded a rule */
};

/* found records |rule| in |o| unless |o| already holds a rule that wins:
 * for REJECTs, the one attributed to the certificate closest to the
 * anchor (RFC 5280 6.1 processes certificates from the anchor down), the
 * first found among equals; an EITHER never replaces a REJECT or an
 * earlier EITHER. */
static int found(struct outcome *o, int rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* found returns 1 if it recorded |rule| (the caller may then add its
 * feature with set_feature), 0 if |o| kept its rule. */
static int found(struct outcome *o, int rule, const char *fmt, ...) {
  int rej = kRules[rule].kind == CF_EXPECT_REJECT;
  if (o->rule != R_NONE &&
      (!rej || (kRules[o->rule].kind == CF_EXPECT_REJECT && o->at <= o->pos))) {
    return 0;
  }
  o->rule = rule;
  o->pos = o->at;
  o->feature[0] = '\0';
  o->recorded++;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(o->detail, sizeof(o->detail), fmt, ap);
  va_end(ap);
  return 1;
}

/* set_feature names what the certificate or name behind the rule just
 * recorded has that a library may handle its own way (cf_oracle_result's
 * feature): reviewed differences are keyed by it (known_rules.h), so a
 * difference shown by a wildcard does not hide a validator that skips the
 * whole check. */
static void set_feature(struct outcome *o, const char *feature) {
  snprintf(o->feature, sizeof(o->feature), "%s", feature);
}

static int is_reject_rule(int rule) {
  return rule != R_NONE && kRules[rule].kind == CF_EXPECT_REJECT;
}

static int is_reject(const struct outcome *o) { return is_reject_rule(o->rule); }

/* --- 3. chain-wide checks (what the server sends) -------------------------- */

#define DER_DEFECTS                                                           \
  ((1u << CF_DEF_LONG_LENGTH) | (1u << CF_DEF_INDEFINITE_LENGTH) |            \
   (1u << CF_DEF_TRAILING_DATA) | (1u << CF_DEF_NONMINIMAL_SERIAL) |          \
   (1u << CF_DEF_WRONG_OUTER_TAG) | (1u << CF_DEF_BITSTRING_UNUSED) |         \
   (1u << CF_DEF_TBS_TRAILING))

#define SIG_DEFECTS                                                           \
  ((1u << CF_DEF_SIG_BITFLIP) | (1u << CF_DEF_SIG_TRUNCATE) |                 \
   (1u << CF_DEF_SIG_EMPTY) | (1u << CF_DEF_SIG_ZERO_R) |                     \
   (1u << CF_DEF_SIG_ZERO_S) | (1u << CF_DEF_SIG_ZERO_RS) |                   \
   (1u << CF_DEF_SIG_E3_FORGERY))

/* serial_nonminimal: a redundant leading 00 or ff octet (X.690 8.3.2). */
static int serial_nonminimal(const struct cf_rcert *c) {
  return c->serial_len >= 2 &&
         ((c->serial[0] == 0x00 && !(c->serial[1] & 0x80)) ||
          (c->serial[0] == 0xff && (c->serial[1] & 0x80)));
}

/* ext_word names an extension for a feature: the recipe's word for the
 * ones it models (basic-constraints, policies, ...), else its OID. */
static const char *ext_word(const char *oid) {
  int i = native_index(oid);
  return i >= 0 ? kNativeExts[i].word : oid;
}

/* dup_ext returns the OID of an extension |c| carries twice, or NULL;
 * |*out_unknown| says whether it is a non-critical extension no library
 * decodes (two raw extensions of an OID outside kNativeExts). */
static const char *dup_ext(int *out_unknown, const struct cf_rcert *c) {
  *out_unknown = 0;
  if (!has_exts(c)) {
    return NULL;
  }
  for (size_t i = 0; i < ARRAY_LEN(kNativeExts); i++) {
    int id = kNativeExts[i].id;
    if (id >= 0 && (c->duplicate & (1u << id)) &&
        cf_rcert_has_ext(c, (enum cf_ext_id)id)) {
      return kNativeExts[i].oid;
    }
  }
  for (size_t i = 0; i < c->num_raw_exts; i++) {
    if (native_ext_present(c, c->raw_exts[i].oid)) {
      return c->raw_exts[i].oid;
    }
    for (size_t j = 0; j < i; j++) {
      if (strcmp(c->raw_exts[i].oid, c->raw_exts[j].oid) == 0) {
        *out_unknown = !c->raw_exts[i].critical && !c->raw_exts[j].critical &&
                       !is_native(c->raw_exts[i].oid);
        return c->raw_exts[i].oid;
      }
    }
  }
  return NULL;
}

/* string_defect says what makes |a|'s value invalid for its string type,
 * or NULL. BMPString and UniversalString values are valid UTF-8 of their
 * range in any recipe that builds (build.c converts them); TeletexString
 * takes any byte. */
static const char *string_defect(const struct cf_rattr *a) {
  size_t i;
  switch (a->type) {
    case CF_STR_UTF8:
      return cf_utf8_valid(a->value, a->value_len, 0x10ffff)
                 ? NULL
                 : "a UTF8String that is not UTF-8";
    case CF_STR_PRINTABLE:
      return printable_value(a) ? NULL
                                : "a PrintableString outside its alphabet";
    case CF_STR_IA5:
      for (i = 0; i < a->value_len && a->value[i] < 0x80; i++) {
      }
      return i == a->value_len ? NULL : "an IA5String with a byte above 0x7F";
    default:
      return NULL;
  }
}

/* dn_string_defect: the first attribute of |dn| whose string is not what
 * its type says, and why; NULL if none. */
static const char *dn_string_defect(const struct cf_rattr **out_attr,
                                    const struct cf_rname *dn) {
  for (size_t i = 0; i < dn->num_attrs; i++) {
    const char *why = string_defect(&dn->attrs[i]);
    if (why != NULL) {
      *out_attr = &dn->attrs[i];
      return why;
    }
  }
  return NULL;
}

/* gn_list_string_defect: the same for the directoryNames of |l|. */
static const char *gn_list_string_defect(const struct cf_rattr **out_attr,
                                         const struct cf_gn_list *l) {
  for (size_t i = 0; i < l->num; i++) {
    const char *why = l->names[i].type == CF_GN_DN
                          ? dn_string_defect(out_attr, &l->names[i].dn)
                          : NULL;
    if (why != NULL) {
      return why;
    }
  }
  return NULL;
}

/* check_strings: the DNs of |c| as encoded in it: subject, issuer, and
 * the directoryNames of its SAN and name constraints (a library that
 * decodes the extension to match names refuses it: BoringSSL says
 * X509_V_ERR_INVALID_EXTENSION, issue 13). */
static void check_strings(struct outcome *o, const struct cf_recipe *r,
                          const struct cf_rcert *c) {
  const struct cf_rattr *a = NULL;
  const char *where = "subject", *why = dn_string_defect(&a, &c->subject);
  if (why == NULL) {
    where = "issuer";
    why = dn_string_defect(&a, issuer_dn(r, c));
  }
  if (why == NULL && san_present(c)) {
    where = "SAN directoryName";
    why = gn_list_string_defect(&a, &c->san);
  }
  if (why == NULL && nc_present(c)) {
    where = "name-constraint directoryName";
    why = gn_list_string_defect(&a, &c->permitted);
    if (why == NULL) {
      why = gn_list_string_defect(&a, &c->excluded);
    }
  }
  if (why != NULL) {
    found(o, R_PARSE_STRING, "cert '%s': %s %s is %s", c->name, where, a->oid,
          why);
  }
}

/* raw_gn_malformed says whether the raw GeneralName |g| (written as its
 * bytes) is not exactly one DER element with a GeneralName tag ([0] to
 * [8]): the extension holding it is then not DER, which every library
 * refuses (found from an empty corpus, issue 13). */
static int raw_gn_malformed(const struct cf_gn *g) {
  CBS cbs, elem;
  unsigned tag;
  size_t header;
  if (g->type != CF_GN_RAW || g->value_len == 0) {
    return 0;
  }
  CBS_init(&cbs, g->value, g->value_len);
  return !CBS_get_any_asn1_element(&cbs, &elem, &tag, &header) ||
         CBS_len(&cbs) != 0 ||
         (tag & CBS_ASN1_CLASS_MASK) != CBS_ASN1_CONTEXT_SPECIFIC ||
         (tag & CBS_ASN1_TAG_NUMBER_MASK) > 8;
}

/* check_encoding applies the parse rules to one certificate: REJECT rules
 * for what a DER parser must refuse, EITHER for what most parsers take. */
static void check_encoding(struct outcome *o, const struct cf_recipe *r,
                           const struct cf_rcert *c) {
  const char *oid;
  int ok, gen_early;
  int64_t t;
  if (c->defects & DER_DEFECTS) {
    for (int d = 0; d < CF_DEF_COUNT; d++) {
      if ((c->defects & DER_DEFECTS) & (1u << d)) {
        found(o, R_PARSE_DER, "cert '%s': defect %s", c->name,
              cf_defect_name((enum cf_defect)d));
        break;
      }
    }
  }
  if (serial_nonminimal(c)) {
    found(o, R_PARSE_DER, "cert '%s': non-minimal serial INTEGER", c->name);
  }
  int unknown;
  if ((oid = dup_ext(&unknown, c)) != NULL &&
      found(o, unknown ? R_PARSE_DUP_UNKNOWN : R_PARSE_DUP_EXT,
            "cert '%s': extension %s twice", c->name, oid) &&
      !unknown) {
    set_feature(o, ext_word(oid));
  }
  const struct cf_rtime *times[2] = {&c->not_before, &c->not_after};
  for (int i = 0; i < 2; i++) {
    time_facts(&ok, &gen_early, &t, times[i]);
    /* GeneralizedTime before 2050 is not an error for a relying party:
     * "Conforming applications MUST be able to process validity dates
     * that are encoded in either UTCTime or GeneralizedTime" (4.1.2.5). */
    if (!ok) {
      found(o, R_PARSE_TIME, "cert '%s': %s \"%s\" is not DER time", c->name,
            i == 0 ? "notBefore" : "notAfter", times[i]->raw);
    }
  }
  if (has_exts(c) && c->bc == CF_RBC_EE && c->bc_explicit_false) {
    found(o, R_PARSE_EXPLICIT_DEFAULT, "cert '%s': cA FALSE encoded",
          c->name);
  }
  if (c->serial_len > 0 &&
      ((c->serial_len == 1 && c->serial[0] == 0) || (c->serial[0] & 0x80) ||
       c->serial_len > 20)) {
    found(o, R_PARSE_SERIAL, "cert '%s': serial %s", c->name,
          c->serial_len > 20       ? "over 20 octets"
          : (c->serial[0] & 0x80) ? "negative"
                                   : "zero");
  }
  if (c->version == 2 && !c->has_issuer_uid && !c->has_subject_uid) {
    found(o, R_PARSE_V2, "cert '%s': version 2 without unique identifiers",
          c->name);
  }
  if (c->version == 1 && (c->has_issuer_uid || c->has_subject_uid)) {
    found(o, R_PARSE_UID_V1, "cert '%s': version 1 with a%s unique identifier",
          c->name, c->has_issuer_uid ? "n issuer" : " subject");
  }
  const struct cf_gn_list *lists[3] = {san_present(c) ? &c->san : NULL,
                                       nc_present(c) ? &c->permitted : NULL,
                                       nc_present(c) ? &c->excluded : NULL};
  for (int l = 0; l < 3; l++) {
    for (size_t i = 0; lists[l] != NULL && i < lists[l]->num; i++) {
      if (raw_gn_malformed(&lists[l]->names[i])) {
        found(o, R_PARSE_DER,
              "cert '%s': a raw GeneralName of its %s is not one DER "
              "GeneralName element", c->name,
              l == 0 ? "SAN" : "name constraints");
        break;
      }
    }
  }
  check_strings(o, r, c);
}

/* check_opaque: a raw extension with an OID certgen writes natively (and
 * no duplicate of it) is content the oracle cannot interpret. */
static void check_opaque(struct outcome *o, const struct cf_rcert *c) {
  if (!has_exts(c)) {
    return;
  }
  for (size_t i = 0; i < c->num_raw_exts; i++) {
    if (is_native(c->raw_exts[i].oid)) {
      found(o, R_EXT_OPAQUE, "cert '%s': raw extension %s", c->name,
            c->raw_exts[i].oid);
    }
  }
}

/* signs_for_leaf says whether cert |idx| is the leaf |leaf| or one of the
 * certificates that signed it, up to a trust anchor: the recipe's issuer
 * links, the only path whose signatures verify (a copy with the same
 * name and key aside). */
static int signs_for_leaf(const struct cf_recipe *r, int leaf, int idx) {
  const struct cf_rdevice *dev = &r->device;
  int at = leaf;
  for (size_t step = 0; step <= r->num_certs; step++) {
    if (at == idx) {
      return 1;
    }
    for (size_t a = 0; a < dev->num_anchors; a++) {
      if (dev->anchors[a] == at) {
        return 0;
      }
    }
    if (r->certs[at].issuer == at) {
      return 0;
    }
    at = r->certs[at].issuer;
  }
  return 0;
}

/* check_sent runs the chain-wide checks: the size of the chain as sent,
 * then the encoding of every sent certificate (a TLS stack decodes the
 * whole Certificate message before building a path). A certificate that
 * no path from the leaf can use gets the feature "unused": a library whose
 * decoder leaves a defect to the checks of the path (OpenSSL and a time
 * string) accepts it, which is a different difference from accepting the
 * defect on the path. */
static int check_sent(struct outcome *o, const struct ctx *x) {
  const struct cf_rdevice *dev = &x->r->device;
  if (x->b != NULL && dev->max_chain_bytes > 0) {
    size_t total = 0;
    for (size_t i = 0; i < dev->num_chain; i++) {
      total += x->b->der_len[dev->chain[i]];
    }
    if (total > dev->max_chain_bytes) {
      found(o, R_CHAIN_TOO_LARGE, "chain is %zu bytes, device takes %zu",
            total, dev->max_chain_bytes);
      return o->rule;
    }
  }
  for (size_t i = 0; i < dev->num_chain; i++) {
    unsigned before = o->recorded;
    check_encoding(o, x->r, &x->r->certs[dev->chain[i]]);
    if (o->recorded != before &&
        !signs_for_leaf(x->r, dev->chain[0], dev->chain[i])) {
      char f[CF_ORACLE_FEATURE_LEN];
      snprintf(f, sizeof(f), "%s%sunused", o->feature,
               o->feature[0] != '\0' ? "+" : "");
      set_feature(o, f);
    }
  }
  return o->rule;
}

/* --- 4. per-path checks ---------------------------------------------------- */

/* aki_mismatch: |c|'s authorityKeyIdentifier and |iss|'s
 * subjectKeyIdentifier are both present and (as far as the recipe tells)
 * different. "auto" values are SHA-1 of the key, so two autos differ only
 * between different keys; an explicit value is assumed to differ from an
 * automatic one. */
static int aki_mismatch(const struct cf_recipe *r, const struct cf_rcert *c,
                        const struct cf_rcert *iss) {
  if (!has_exts(c) || !has_exts(iss) || c->aki_mode == 0 ||
      iss->ski_mode == 0) {
    return 0;
  }
  if (c->aki_mode == 1 && iss->ski_mode == 1) {
    return signer_key(r, c) != iss->key;
  }
  if (c->aki_mode == 2 && iss->ski_mode == 2) {
    return c->aki_len != iss->ski_len ||
           memcmp(c->aki, iss->ski, c->aki_len) != 0;
  }
  return 1;
}

/* check_links: how the path was put together, where libraries differ:
 * a pinned leaf, an anchor that is not self-issued, names that match only
 * under RFC 5280 7.1 folding, key identifiers. EITHER rules only. */
static int check_links(struct outcome *o, const struct ctx *x,
                       const struct path *p) {
  const struct cf_rcert *last = at(x, p, p->len - 1);
  if (p->len == 1) {
    found(o, R_ANCHOR_PINNED_LEAF, "leaf '%s' is a trust anchor", last->name);
  } else if (!(x->prof->flags & CF_PROFILE_FLAG_PARTIAL_CHAIN) &&
             !self_issued(x->r, last)) {
    found(o, R_ANCHOR_NOT_SELF_SIGNED,
          "anchor '%s' is not self-issued, no partial-chain", last->name);
  }
  for (size_t i = 0; i + 1 < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i), *iss = at(x, p, i + 1);
    if (!cf_rname_identical(issuer_dn(x->r, c), &iss->subject)) {
      found(o, R_PATH_NAME_NOT_IDENTICAL,
            "cert '%s': issuer DN not byte-identical to '%s' subject", c->name,
            iss->name);
    }
    if (aki_mismatch(x->r, c, iss)) {
      found(o, R_PATH_AKI_MISMATCH, "cert '%s': AKI is not '%s' SKI", c->name,
            iss->name);
    }
    if (has_exts(c) && c->aki_mode == 0 && !self_issued(x->r, c)) {
      found(o, R_PATH_AKI_SKI_MISSING, "cert '%s': no AKI", c->name);
    }
    if (i + 1 < p->len - 1 && has_exts(iss) && iss->ski_mode == 0) {
      found(o, R_PATH_AKI_SKI_MISSING, "CA '%s': no SKI", iss->name);
    }
  }
  return o->rule;
}

/* check_depth: the device's limit on intermediates (path minus leaf and
 * anchor). */
static int check_depth(struct outcome *o, const struct ctx *x,
                       const struct path *p) {
  size_t inter = p->len >= 2 ? p->len - 2 : 0;
  if (inter > x->prof->max_depth) {
    o->at = p->len;
    found(o, R_PATH_TOO_DEEP, "%zu intermediates, device allows %u", inter,
          (unsigned)x->prof->max_depth);
  }
  return o->rule;
}

/* check_keys: keys must decode under the PKIX profile; an anchor that only
 * a lenient store loads is an EITHER. */
static int check_keys(struct outcome *o, const struct ctx *x,
                      const struct path *p) {
  /* Every certificate but the anchor; a pinned leaf's key is the anchor's
   * (the device trusts that very key, so its encoding is anchor.malformed,
   * EITHER: OpenSSL accepts explicit parameters in a certificate it trusts
   * directly, the others cannot parse them). */
  for (size_t i = 0; i + 1 < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    if (c->spki == CF_SPKI_EXPLICIT_GENERATOR) {
      o->at = i;
      found(o, R_KEY_EXPLICIT_EC,
            "cert '%s': explicit EC parameters, chosen generator", c->name);
    } else if (c->spki == CF_SPKI_EXPLICIT_PARAMS) {
      found(o, R_KEY_EXPLICIT_EC_NAMED,
            "cert '%s': explicit parameters of a named curve", c->name);
    }
  }
  {
    const struct cf_rcert *a = at(x, p, p->len - 1);
    struct outcome enc = {R_NONE, 0, 0, "", "", 0};
    if (!x->in_chain[p->idx[p->len - 1]]) {
      check_encoding(&enc, x->r, a);
    }
    if (a->spki != CF_SPKI_NAMED) {
      found(o, R_ANCHOR_MALFORMED, "anchor '%s': explicit EC parameters",
            a->name);
    } else if (is_reject(&enc) || enc.rule == R_PARSE_STRING) {
      found(o, R_ANCHOR_MALFORMED, "anchor %s", enc.detail);
    }
  }
  return o->rule;
}

/* check_signatures: each certificate's signature with the next one's key
 * (RFC 5280 6.1.3 (a)(1)), in path order from the leaf. */
static int check_signatures(struct outcome *o, const struct ctx *x,
                            const struct path *p) {
  const struct cf_recipe *r = x->r;
  for (size_t i = 0; i + 1 < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i), *iss = at(x, p, i + 1);
    enum cf_sig_alg tbs = eff_alg(r, c, c->tbs_alg);
    enum cf_sig_alg outer = eff_alg(r, c, c->outer_alg);
    o->at = i;
    if (tbs != outer || (tbs == CF_ALG_OID &&
                         strcmp(c->tbs_alg_oid, c->outer_alg_oid) != 0)) {
      found(o, R_SIG_ALG_MISMATCH, "cert '%s': TBS %s, outer %s", c->name,
            alg_word(tbs, c->tbs_alg_oid), alg_word(outer, c->outer_alg_oid));
    } else if (alg_kind(outer) == AK_NONE ||
               alg_kind(outer) != key_kind(iss->key)) {
      found(o, R_SIG_ALG_KEY, "cert '%s': %s with %s's %s key", c->name,
            alg_word(outer, c->outer_alg_oid), iss->name,
            key_info(iss->key)->name);
    } else if (signer_key(r, c) != iss->key ||
               signer_explicit_gen(r, c) !=
                   (iss->spki == CF_SPKI_EXPLICIT_GENERATOR)) {
      found(o, R_SIG_WRONG_KEY, "cert '%s': signed by %s%s, issuer '%s' has %s",
            c->name, key_info(signer_key(r, c))->name,
            signer_explicit_gen(r, c) ? " (explicit generator)" : "",
            iss->name, key_info(iss->key)->name);
    } else if (c->defects & SIG_DEFECTS) {
      for (int d = 0; d < CF_DEF_COUNT; d++) {
        if ((c->defects & SIG_DEFECTS) & (1u << d)) {
          found(o, R_SIG_DEFECT, "cert '%s': %s", c->name,
                cf_defect_name((enum cf_defect)d));
          break;
        }
      }
    }
  }
  return o->rule;
}

/* check_validity: notBefore <= now <= notAfter for every certificate but
 * the anchor (RFC 5280 4.1.2.5: both bounds inclusive). */
static int check_validity(struct outcome *o, const struct ctx *x,
                          const struct path *p) {
  for (size_t i = 0; i < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    int anchor = has_anchor_pos(p) && i == p->len - 1;
    int ok, gen_early;
    int64_t nb, na;
    int ok2;
    time_facts(&ok, &gen_early, &nb, &c->not_before);
    time_facts(&ok2, &gen_early, &na, &c->not_after);
    if (!ok || !ok2) {
      continue; /* a malformed anchor time: anchor.malformed */
    }
    if (x->now < nb) {
      o->at = i;
      found(o, anchor ? R_ANCHOR_NOT_YET : R_VALIDITY_NOT_YET,
            "cert '%s': notBefore %lld > time %lld", c->name, (long long)nb,
            (long long)x->now);
    } else if (x->now > na) {
      o->at = i;
      found(o, anchor ? R_ANCHOR_EXPIRED : R_VALIDITY_EXPIRED,
            "cert '%s': notAfter %lld < time %lld", c->name, (long long)na,
            (long long)x->now);
    }
  }
  return o->rule;
}

/* check_basic_constraints: every issuer is a CA (RFC 5280 6.1.4 (k)). */
static int check_basic_constraints(struct outcome *o, const struct ctx *x,
                                   const struct path *p) {
  for (size_t i = 1; i < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    int anchor = i == p->len - 1;
    if (anchor) {
      /* v1 anchors are common and legitimate; a v2 or v3 anchor without
       * cA TRUE is refused by some libraries (OpenSSL's check_ca takes a
       * certificate without basicConstraints for a CA only in version 1). */
      if (c->version >= 2 && bc_of(c) != CF_RBC_CA) {
        found(o, R_ANCHOR_NOT_CA, "anchor '%s': no cA TRUE", c->name);
      }
    } else if (c->version < 3) {
      o->at = i;
      found(o, R_CA_V1, "cert '%s': version %d intermediate", c->name,
            c->version);
    } else if (bc_of(c) != CF_RBC_CA) {
      o->at = i;
      found(o, R_CA_NOT_CA, "cert '%s': basicConstraints %s", c->name,
            bc_of(c) == CF_RBC_ABSENT ? "absent" : "cA FALSE");
    } else if (!c->bc_critical) {
      found(o, R_CA_BC_NONCRITICAL,
            "cert '%s': basicConstraints not critical", c->name);
    }
  }
  if (bc_of(at(x, p, 0)) == CF_RBC_CA) {
    found(o, R_LEAF_IS_CA, "leaf '%s': cA TRUE", at(x, p, 0)->name);
  }
  return o->rule;
}

/* check_path_len: a CA at position k with pathLenConstraint N may have at
 * most N non-self-issued intermediates below it (RFC 5280 6.1.4 (l), (m)).
 * The anchor's own pathLenConstraint is an EITHER (RFC 5937 3 makes it
 * optional; OpenSSL and mbed TLS apply it). */
static int check_path_len(struct outcome *o, const struct ctx *x,
                          const struct path *p) {
  for (size_t k = 1; k < p->len; k++) {
    const struct cf_rcert *c = at(x, p, k);
    if (bc_of(c) != CF_RBC_CA || c->bc_path_len < 0) {
      continue;
    }
    /* Counted from the CA down: the intermediate where the count passes
     * N is where 6.1.4 (l) fails. */
    size_t below = 0;
    o->at = k;
    for (size_t j = k - 1; j >= 1; j--) {
      below += !self_issued(x->r, at(x, p, j));
      if (below == (size_t)c->bc_path_len + 1) {
        o->at = j;
      }
    }
    if (below > (size_t)c->bc_path_len) {
      found(o, k == p->len - 1 ? R_ANCHOR_PATH_LEN : R_CA_PATH_LEN,
            "cert '%s': pathLen %d, %zu intermediates below", c->name,
            c->bc_path_len, below);
    }
  }
  return o->rule;
}

/* check_key_usage: issuers need keyCertSign when keyUsage is present
 * (RFC 5280 6.1.4 (n)); the leaf's key must be usable for TLS. */
static int check_key_usage(struct outcome *o, const struct ctx *x,
                           const struct path *p) {
  for (size_t i = 1; i < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    if (ku_present(c) && !(c->ku & CF_RKU_KEY_CERT_SIGN)) {
      o->at = i;
      found(o, i == p->len - 1 ? R_ANCHOR_KU : R_KU_CA,
            "cert '%s': keyUsage without keyCertSign", c->name);
    }
  }
  for (size_t i = 0; i < num_checked(p); i++) {
    const struct cf_rcert *c = at(x, p, i);
    if (ku_present(c) && (c->ku & CF_RKU_KEY_CERT_SIGN) &&
        bc_of(c) != CF_RBC_CA) {
      found(o, R_KU_CERT_SIGN_NOT_CA, "cert '%s': keyCertSign without cA",
            c->name);
    }
  }
  /* Strict mode (OpenSSL's X509_V_FLAG_X509_STRICT) enforces the CA MUST
   * of 4.2.1.3 on every certificate of a path of two or more, the anchor
   * included (found by the hour runs: chain_diff). */
  int strict = (x->prof->flags & CF_PROFILE_FLAG_X509_STRICT) != 0;
  for (size_t i = 0; strict && p->len > 1 && i < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    if (bc_of(c) == CF_RBC_CA && !ku_present(c)) {
      o->at = i;
      found(o, R_KU_CA_ABSENT_STRICT, "cert '%s': a CA without keyUsage, "
            "strict mode", c->name);
    }
  }
  const struct cf_rcert *leaf = at(x, p, 0);
  if (x->prof->purpose == CF_PURPOSE_NONE && ku_present(leaf) &&
      !(leaf->ku & CF_RKU_DIGITAL_SIGNATURE)) {
    /* No X.509 purpose check, but the TLS client of BoringSSL and wolfSSL
     * checks the key it verifies the handshake signature with (hour runs,
     * chain_oracle_wolfssl). */
    o->at = 0;
    found(o, R_KU_LEAF_NO_PURPOSE,
          "leaf '%s': keyUsage without digitalSignature, no purpose check",
          leaf->name);
  } else if (ku_present(leaf) && !(leaf->ku & CF_RKU_DIGITAL_SIGNATURE)) {
    enum alg_kind kind = key_kind(leaf->key);
    /* TLS 1.2 static key exchange: RSA key transport (keyEncipherment,
     * server only) or fixed (EC)DH (keyAgreement). */
    int tls12 =
        (kind == AK_RSA && x->prof->purpose == CF_PURPOSE_SERVER_AUTH &&
         (leaf->ku & CF_RKU_KEY_ENCIPHERMENT)) ||
        (kind == AK_EC && (leaf->ku & CF_RKU_KEY_AGREEMENT));
    o->at = 0;
    found(o, tls12 ? R_KU_LEAF_TLS12 : R_KU_LEAF,
          "leaf '%s': keyUsage without digitalSignature", leaf->name);
  }
  return o->rule;
}

/* --- name matching (RFC 6125) and name constraints (RFC 5280 4.2.1.10) --- */

static int is_ip_literal(const uint8_t *s, size_t len) {
  int digits_only = 1;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == ':') {
      return 1;
    }
    if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) {
      digits_only = 0;
    }
  }
  return digits_only;
}

/* probable_public_suffix: a two-label suffix "co.uk" (a short generic
 * second-level label under a two-letter country code). Without a public
 * suffix list this is a heuristic; one-label suffixes are refused outright
 * by dns_match. */
static int probable_public_suffix(const uint8_t *s, size_t len) {
  static const char *const kSld[] = {"co", "com", "net", "org", "gov", "edu",
                                     "ac", "or", "ne", "go", "ltd", "plc",
                                     "gob", "nic", "mil", "gv"};
  const uint8_t *dot = memchr(s, '.', len);
  if (dot == NULL || memchr(dot + 1, '.', len - (size_t)(dot + 1 - s)) ||
      s + len - (dot + 1) != 2) {
    return 0;
  }
  for (size_t i = 0; i < ARRAY_LEN(kSld); i++) {
    size_t n = strlen(kSld[i]);
    if ((size_t)(dot - s) == n && ieq(s, (const uint8_t *)kSld[i], n)) {
      return 1;
    }
  }
  return 0;
}

/* Match qualities of dns_match. */
enum { M_EXACT = 0, M_PARTIAL, M_PUBLIC_SUFFIX };

/* dns_match matches presented DNS name |pat| against the device's reference
 * name |ref| (RFC 6125 6.4): case-insensitive; a NUL never matches; "*"
 * only as the whole left-most label, or (partial, M_PARTIAL) in the
 * left-most label; the wildcard matches one non-empty label, never an IP
 * literal, never an A-label, and needs two labels after it (M_PUBLIC_SUFFIX
 * when those two look like a public suffix). |*out_quality| says which. */
static int dns_match(int *out_partial, const uint8_t *pat, size_t pat_len,
                     const uint8_t *ref, size_t ref_len, int wildcards) {
  *out_partial = M_EXACT;
  if (pat_len == 0 || ref_len == 0 || memchr(pat, 0, pat_len) != NULL ||
      memchr(ref, 0, ref_len) != NULL) {
    return 0;
  }
  const uint8_t *star = memchr(pat, '*', pat_len);
  if (star == NULL) {
    return pat_len == ref_len && ieq(pat, ref, pat_len);
  }
  const uint8_t *pat_dot = memchr(pat, '.', pat_len);
  const uint8_t *ref_dot = memchr(ref, '.', ref_len);
  if (!wildcards || pat_dot == NULL || star > pat_dot ||
      memchr(star + 1, '*', pat_len - (size_t)(star + 1 - pat)) != NULL ||
      ref_dot == NULL || ref_dot == ref || is_ip_literal(ref, ref_len)) {
    return 0;
  }
  size_t pat_rest_len = pat_len - (size_t)(pat_dot - pat);
  size_t ref_rest_len = ref_len - (size_t)(ref_dot - ref);
  /* Two labels after the wildcard ("*.com" matches nothing: without a
   * public suffix list, a single label is treated as a public suffix). */
  if (memchr(pat_dot + 1, '.', pat_rest_len - 1) == NULL ||
      pat_rest_len != ref_rest_len || !ieq(pat_dot, ref_dot, pat_rest_len)) {
    return 0;
  }
  size_t prefix_len = (size_t)(star - pat);
  size_t suffix_len = (size_t)(pat_dot - star - 1);
  size_t label_len = (size_t)(ref_dot - ref);
  int psl = probable_public_suffix(pat_dot + 1, pat_rest_len - 1);
  if (prefix_len == 0 && suffix_len == 0) {
    *out_partial = psl ? M_PUBLIC_SUFFIX : M_EXACT;
    return 1;
  }
  static const uint8_t kAce[] = {'x', 'n', '-', '-'};
  if (label_len < prefix_len + suffix_len ||
      (label_len >= 4 && ieq(ref, kAce, 4)) ||
      (prefix_len >= 4 && ieq(pat, kAce, 4)) || !ieq(pat, ref, prefix_len) ||
      !ieq(star + 1, ref_dot - suffix_len, suffix_len)) {
    return 0;
  }
  *out_partial = psl ? M_PUBLIC_SUFFIX : M_PARTIAL;
  return 1;
}

static int leaf_has_san(const struct cf_rcert *leaf, enum cf_gn_type t) {
  if (!san_present(leaf)) {
    return 0;
  }
  for (size_t i = 0; i < leaf->san.num; i++) {
    if (leaf->san.names[i].type == t) {
      return 1;
    }
  }
  return 0;
}

static int leaf_has_dns_san(const struct cf_rcert *leaf) {
  return leaf_has_san(leaf, CF_GN_DNS);
}

/* cn_is_name says whether CN attribute |a| of the leaf is what the device
 * matches its DNS name against (RFC 6125 6.4.4: no DNS-ID and no URI-ID in
 * the SAN, fallback not disabled, and it matches). */
static int cn_is_name(const struct ctx *x, const struct cf_rcert *leaf,
                      const struct cf_rattr *a) {
  int partial;
  return x->prof->name_type == CF_NAME_DNS &&
         !(x->prof->flags & CF_PROFILE_FLAG_NO_CN_FALLBACK) &&
         !leaf_has_dns_san(leaf) && !leaf_has_san(leaf, CF_GN_URI) &&
         strcmp(a->oid, kOidCN) == 0 &&
         dns_match(&partial, a->value, a->value_len,
                   (const uint8_t *)x->prof->dns_name, x->prof->dns_name_len,
                   !(x->prof->flags & CF_PROFILE_FLAG_NO_WILDCARDS));
}

/* nc_dns: dNSName |name| within constraint |base| ("example.com": itself
 * and subdomains; ".example.com": subdomains only; "": everything). */
static int nc_dns(const uint8_t *name, size_t len, const uint8_t *base,
                  size_t base_len) {
  if (base_len == 0) {
    return 1;
  }
  if (base[0] == '.') {
    return len > base_len && ends_with_i(name, len, base, base_len);
  }
  return (len == base_len && ieq(name, base, len)) ||
         (len > base_len && name[len - base_len - 1] == '.' &&
          ends_with_i(name, len, base, base_len));
}

/* nc_dns_cover: wildcard name "*.R" could match a name of subtree |base|:
 * base is L.R (or .L.R) for one label L (B19). */
static int nc_dns_cover(const uint8_t *name, size_t len, const uint8_t *base,
                        size_t base_len) {
  if (len <= 2 || name[0] != '*' || name[1] != '.' || base_len == 0) {
    return 0;
  }
  const uint8_t *b = base[0] == '.' ? base + 1 : base;
  size_t b_len = base[0] == '.' ? base_len - 1 : base_len;
  const uint8_t *dot = memchr(b, '.', b_len);
  return dot != NULL && dot != b && b_len - (size_t)(dot - b) == len - 1 &&
         ieq(dot, name + 1, len - 1);
}

/* nc_email: rfc822Name |name| (local@domain) within |base| (a mailbox, a
 * host, or ".domain"; RFC 5280 4.2.1.10). Local parts compare exactly. */
static int nc_email(const uint8_t *name, size_t len, const uint8_t *base,
                    size_t base_len) {
  const uint8_t *at_sign = NULL;
  for (size_t i = 0; i < len; i++) {
    if (name[i] == '@') {
      at_sign = name + i;
    }
  }
  if (at_sign == NULL) {
    return 0;
  }
  const uint8_t *domain = at_sign + 1;
  size_t domain_len = len - (size_t)(domain - name);
  const uint8_t *base_at = memchr(base, '@', base_len);
  if (base_at != NULL) {
    size_t local_len = (size_t)(at_sign - name);
    size_t base_local_len = (size_t)(base_at - base);
    return local_len == base_local_len &&
           memcmp(name, base, local_len) == 0 &&
           domain_len == base_len - base_local_len - 1 &&
           ieq(domain, base_at + 1, domain_len);
  }
  if (base_len > 0 && base[0] == '.') {
    return domain_len > base_len &&
           ends_with_i(domain, domain_len, base, base_len);
  }
  return domain_len == base_len && ieq(domain, base, base_len);
}

/* uri_host finds the host of URI |uri|; |*out_ip| says it is an IP literal
 * (bracketed, possibly with a zone id, or dotted digits). Returns 0 when
 * the URI has no authority. */
static int uri_host(const uint8_t **out_host, size_t *out_len, int *out_ip,
                    const uint8_t *uri, size_t len) {
  size_t i = 0;
  while (i + 2 < len && !(uri[i] == ':' && uri[i + 1] == '/' &&
                          uri[i + 2] == '/')) {
    i++;
  }
  if (i + 2 >= len) {
    return 0;
  }
  size_t start = i + 3, end = start;
  while (end < len && uri[end] != '/' && uri[end] != '?' && uri[end] != '#') {
    end++;
  }
  for (size_t j = start; j < end; j++) {
    if (uri[j] == '@') {
      start = j + 1;
    }
  }
  *out_ip = 0;
  if (start < end && uri[start] == '[') {
    *out_ip = 1;
    *out_host = uri + start;
    *out_len = end - start;
    return 1;
  }
  size_t host_end = start;
  while (host_end < end && uri[host_end] != ':') {
    host_end++;
  }
  *out_host = uri + start;
  *out_len = host_end - start;
  *out_ip = is_ip_literal(*out_host, *out_len);
  return *out_len > 0;
}

/* nc_uri: the URI's host equals |base|, or ends with it when |base| starts
 * with "." (RFC 5280 4.2.1.10: no implicit subdomains for URIs). An IP
 * literal host is within no DNS-host subtree (B25). */
static int nc_uri(const uint8_t *uri, size_t len, const uint8_t *base,
                  size_t base_len) {
  const uint8_t *host;
  size_t host_len;
  int ip;
  if (!uri_host(&host, &host_len, &ip, uri, len) || ip) {
    return 0;
  }
  if (base_len > 0 && base[0] == '.') {
    return host_len > base_len && ends_with_i(host, host_len, base, base_len);
  }
  return host_len == base_len && ieq(host, base, base_len);
}

/* nc_ip: address within address/mask (RFC 5280 4.2.1.10 iPAddress). */
static int nc_ip(const uint8_t *addr, size_t len, const uint8_t *base,
                 size_t base_len) {
  if (base_len != 2 * len) {
    return 0;
  }
  for (size_t i = 0; i < len; i++) {
    if ((addr[i] & base[len + i]) != (base[i] & base[len + i])) {
      return 0;
    }
  }
  return 1;
}

/* name kinds constraints apply to; CF_GN_DN names carry a DN. */
struct cname {
  enum cf_gn_type type;
  const uint8_t *value;
  size_t len;
  const struct cf_rname *dn;
  int from_cn; /* a CN used as the DNS name (B22) */
  int dn_email_with_san; /* a subject emailAddress beside a SAN */
  int cn_not_used; /* a host-name-like CN the device does not match */
};

/* within levels: W_IN inside the subtree; W_COVER a wildcard that could
 * match a name inside (excluded subtrees only); W_LENIENT inside only if
 * a leading-dot dNSName constraint also covers its apex. */
enum { W_OUT = 0, W_IN, W_COVER, W_LENIENT };

static int within(const struct cname *n, const struct cf_gn *base,
                  int cover) {
  if (base->type != n->type) {
    return 0;
  }
  switch (n->type) {
    case CF_GN_DNS:
      if (nc_dns(n->value, n->len, base->value, base->value_len)) {
        return W_IN;
      }
      if (cover && nc_dns_cover(n->value, n->len, base->value,
                                base->value_len)) {
        return W_COVER;
      }
      /* ".example.com" read as "example.com" by lenient libraries. */
      if (base->value_len > 1 && base->value[0] == '.' &&
          nc_dns(n->value, n->len, base->value + 1, base->value_len - 1)) {
        return W_LENIENT;
      }
      return W_OUT;
    case CF_GN_IP:
      return nc_ip(n->value, n->len, base->value, base->value_len);
    case CF_GN_EMAIL:
      return nc_email(n->value, n->len, base->value, base->value_len);
    case CF_GN_URI:
      return nc_uri(n->value, n->len, base->value, base->value_len);
    case CF_GN_DN:
      return dn_within(n->dn, &base->dn);
    default:
      return 0;
  }
}

static int has_type(const struct cf_gn_list *l, enum cf_gn_type t) {
  for (size_t i = 0; i < l->num; i++) {
    if (l->names[i].type == t) {
      return 1;
    }
  }
  return 0;
}

/* nc_form names |n|'s form for features ("dns", "cn" for a CN used as
 * the DNS name, "ip", "email", "uri", "dn"). */
static const char *nc_form(const struct cname *n) {
  switch (n->type) {
    case CF_GN_DNS:
      return n->from_cn ? "cn" : "dns";
    case CF_GN_IP:
      return "ip";
    case CF_GN_EMAIL:
      return "email";
    case CF_GN_URI:
      return "uri";
    case CF_GN_DN:
      return "dn";
    default:
      return "other";
  }
}

/* host_like: a CN OpenSSL takes for a host name (cn2dnsid,
 * crypto/x509/v3_ncons.c): letters, digits, '_', and '-' or '.' inside,
 * with at least one '.' between two other characters. */
static int host_like(const uint8_t *v, size_t len) {
  int dot = 0;
  for (size_t i = 0; i < len; i++) {
    uint8_t ch = v[i];
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
        (ch >= '0' && ch <= '9') || ch == '_') {
      continue;
    }
    if (i == 0 || i + 1 == len) {
      return 0;
    }
    if (ch == '-') {
      continue;
    }
    if (ch == '.' && v[i + 1] != '.' && v[i - 1] != '-' && v[i + 1] != '-') {
      dot = 1;
      continue;
    }
    return 0;
  }
  return dot;
}

/* collect_names lists the names of |c| that constraints apply to: subject
 * DN, SAN entries (raw GeneralNames are not interpreted), emailAddress
 * attributes (RFC 5280 asks for them when there is no SAN; beside a SAN
 * they are marked, as libraries check them too), and for the leaf the CN
 * the device uses as its DNS name (a host-name-like CN it does not use is
 * marked: OpenSSL checks it too). */
static size_t collect_names(struct cname *out, size_t max, const struct ctx *x,
                            const struct cf_rcert *c, int is_leaf) {
  size_t n = 0;
  if (c->subject.num_attrs > 0 && n < max) {
    out[n++] = (struct cname){CF_GN_DN, NULL, 0, &c->subject, 0, 0, 0};
  }
  if (san_present(c)) {
    for (size_t i = 0; i < c->san.num && n < max; i++) {
      const struct cf_gn *g = &c->san.names[i];
      if (g->type != CF_GN_RAW) {
        out[n++] =
            (struct cname){g->type, g->value, g->value_len, &g->dn, 0, 0, 0};
      }
    }
  }
  for (size_t i = 0; i < c->subject.num_attrs && n < max; i++) {
    const struct cf_rattr *a = &c->subject.attrs[i];
    if (strcmp(a->oid, kOidEmail) == 0) {
      out[n++] = (struct cname){CF_GN_EMAIL, a->value, a->value_len, NULL,
                                0, san_present(c), 0};
    } else if (is_leaf && cn_is_name(x, c, a)) {
      out[n++] =
          (struct cname){CF_GN_DNS, a->value, a->value_len, NULL, 1, 0, 0};
    } else if (is_leaf && strcmp(a->oid, kOidCN) == 0 &&
               !leaf_has_dns_san(c) && host_like(a->value, a->value_len)) {
      out[n++] =
          (struct cname){CF_GN_DNS, a->value, a->value_len, NULL, 0, 0, 1};
    }
  }
  return n;
}

/* check_name_constraints: the constraints of every CA on the path (the
 * anchor's as EITHER, RFC 5937 3) apply to every certificate below it,
 * except self-issued intermediates (RFC 5280 6.1.3 (b), (c)); checking
 * each CA's subtrees separately is the RFC's intersection of permitted and
 * union of excluded subtrees (B21). A name type a CA has no permitted
 * subtree for is unconstrained by that CA. */
static int check_name_constraints(struct outcome *o, const struct ctx *x,
                                  const struct path *p) {
  struct cname names[CF_RECIPE_MAX_GNS + CF_RECIPE_MAX_ATTRS + 1];
  for (size_t k = 1; k < p->len; k++) {
    const struct cf_rcert *ca = at(x, p, k);
    int anchor = k == p->len - 1;
    if (!nc_present(ca)) {
      continue;
    }
    if (!anchor && !ca->nc_critical) {
      found(o, R_NC_NONCRITICAL, "cert '%s': nameConstraints not critical",
            ca->name);
    }
    for (size_t q = 0; q < k; q++) {
      const struct cf_rcert *c = at(x, p, q);
      if (q > 0 && self_issued(x->r, c)) {
        continue;
      }
      size_t num = collect_names(names, ARRAY_LEN(names), x, c, q == 0);
      for (size_t i = 0; i < num; i++) {
        const struct cname *n = &names[i];
        int rule = R_NONE, covers = 0, suffix = 0;
        const char *what = "";
        for (size_t e = 0; e < ca->excluded.num && !is_reject_rule(rule);
             e++) {
          const struct cf_gn *base = &ca->excluded.names[e];
          switch (within(n, base, 1)) {
            case W_IN:
              rule = R_NC_EXCLUDED;
              what = "excluded";
              break;
            case W_COVER:
              /* The wildcard covers an excluded name: fatal when that is
               * the name the device asked for, else libraries differ
               * (Go refuses the certificate, others the name only). */
              rule = x->prof->name_type == CF_NAME_DNS &&
                             nc_dns((const uint8_t *)x->prof->dns_name,
                                    x->prof->dns_name_len, base->value,
                                    base->value_len)
                         ? R_NC_EXCLUDED
                         : R_NC_WILDCARD_EXCLUDED;
              what = "covers an excluded name";
              covers = 1;
              break;
            case W_LENIENT:
              if (rule == R_NONE) {
                rule = R_NC_DNS_LEADING_DOT;
                what = "excluded if the leading dot is dropped";
              }
              break;
            default:
              break;
          }
        }
        if (!is_reject_rule(rule) && has_type(&ca->permitted, n->type)) {
          int best = W_OUT;
          for (size_t e = 0; e < ca->permitted.num; e++) {
            int w = within(n, &ca->permitted.names[e], 0);
            best = w == W_IN || best == W_IN ? W_IN : w > best ? w : best;
          }
          if (best == W_LENIENT && rule == R_NONE) {
            rule = R_NC_DNS_LEADING_DOT;
            what = "permitted only if the leading dot is dropped";
          } else if (best != W_IN && best != W_LENIENT) {
            rule = R_NC_PERMITTED;
            what = "not permitted";
            for (size_t e = 0; e < ca->permitted.num; e++) {
              const struct cf_gn *base = &ca->permitted.names[e];
              suffix |= n->type == CF_GN_DNS && base->type == CF_GN_DNS &&
                        ends_with_i(n->value, n->len, base->value,
                                    base->value_len);
            }
          }
        }
        if (rule == R_NONE) {
          continue;
        }
        if (is_reject_rule(rule) && n->from_cn) {
          rule = R_NC_CN;
        }
        if (n->dn_email_with_san) {
          rule = R_NC_EMAIL_DN_SAN;
        }
        if (n->cn_not_used) {
          rule = R_NC_CN_NOT_USED;
        }
        if (is_reject_rule(rule) && anchor) {
          rule = R_ANCHOR_NC;
        }
        o->at = q;
        if (found(o, rule, "cert '%s': %s name %.*s %s by '%s'", c->name,
                  n->type == CF_GN_DN                          ? "subject"
                  : n->from_cn || n->cn_not_used               ? "CN"
                  : n->type == CF_GN_EMAIL && n->dn == NULL    ? "emailAddress"
                                                               : "SAN",
                  n->type == CF_GN_DN || n->type == CF_GN_IP ? 0 : (int)n->len,
                  n->type == CF_GN_DN || n->type == CF_GN_IP
                      ? ""
                      : (const char *)n->value,
                  what, ca->name)) {
          /* The name form, a wildcard that only covers the subtree, a
           * permitted subtree the name ends with off a label boundary, a
           * constraint of a CA above the certificate's issuer, a
           * constraint in a non-critical extension. */
          char feature[CF_ORACLE_FEATURE_LEN];
          snprintf(feature, sizeof(feature), "%s%s%s%s%s", nc_form(n),
                   covers ? "+wildcard" : "", suffix ? "+suffix" : "",
                   k > q + 1 ? "+inherited" : "",
                   ca->nc_critical ? "" : "+noncritical");
          set_feature(o, feature);
        }
      }
    }
  }
  return o->rule;
}

/* --- policies (RFC 5280 6.1.3 (d)-(f), 6.1.4 (h)-(j), 6.1.5) --- */

static int is_any_policy(const char *oid) {
  return strcmp(oid, kOidAnyPolicy) == 0 || strcmp(oid, "any") == 0;
}

/* policy_level is the valid_policy_tree's deepest level (RFC 5280 6.1.2
 * (a)): a node per valid_policy (anyPolicy too) with its
 * expected_policy_set, which policy mappings change (6.1.4 (b)). Nodes of
 * the same valid_policy under different parents are merged: the device
 * sets no user-initial-policy-set, so only whether the tree is NULL
 * matters, and that depends on the deepest level alone (6.1.3 (d)(3)
 * prunes every branch that does not reach it). */
#define MAX_POLICY_NODES (CF_RECIPE_MAX_POLICIES * 2 + 1)

struct policy_node {
  const char *valid;
  const char *expected[MAX_POLICY_NODES];
  size_t num_expected;
};

struct policy_level {
  struct policy_node node[MAX_POLICY_NODES];
  size_t num;
};

static struct policy_node *level_find(struct policy_level *l, const char *oid) {
  for (size_t i = 0; i < l->num; i++) {
    if (strcmp(l->node[i].valid, oid) == 0) {
      return &l->node[i];
    }
  }
  return NULL;
}

static int node_expects(const struct policy_node *n, const char *oid) {
  for (size_t i = 0; i < n->num_expected; i++) {
    if (strcmp(n->expected[i], oid) == 0) {
      return 1;
    }
  }
  return 0;
}

static void node_expect(struct policy_node *n, const char *oid) {
  if (!node_expects(n, oid) && n->num_expected < ARRAY_LEN(n->expected)) {
    n->expected[n->num_expected++] = oid;
  }
}

/* level_add adds a node |oid| expecting {|oid|} (6.1.3 (d)(1), (d)(2)),
 * unless there is one. */
static void level_add(struct policy_level *l, const char *oid) {
  if (level_find(l, oid) == NULL && l->num < ARRAY_LEN(l->node)) {
    struct policy_node *n = &l->node[l->num++];
    n->valid = oid;
    n->num_expected = 0;
    node_expect(n, oid);
  }
}

/* policy_step is 6.1.3 (d)(1)-(2) for certificate |c|, the |i|th of |n|
 * from the anchor (self-issued: |si|): the next level from |prev|. */
static void policy_step(struct policy_level *next,
                        const struct policy_level *prev,
                        const struct cf_rcert *c, size_t i, size_t n, int si,
                        size_t inhibit_any) {
  int any = 0;
  next->num = 0;
  for (size_t j = 0; j < c->num_policies; j++) {
    const char *pol = c->policies[j];
    if (is_any_policy(pol)) {
      any = 1;
      continue;
    }
    int matched = 0, prev_any = 0;
    for (size_t k = 0; k < prev->num; k++) {
      matched |= node_expects(&prev->node[k], pol); /* (d)(1)(i) */
      prev_any |= is_any_policy(prev->node[k].valid);
    }
    if (matched || prev_any) { /* (d)(1)(ii) */
      level_add(next, pol);
    }
  }
  if (any && (inhibit_any > 0 || (i < n && si))) { /* (d)(2) */
    for (size_t k = 0; k < prev->num; k++) {
      for (size_t e = 0; e < prev->node[k].num_expected; e++) {
        level_add(next, prev->node[k].expected[e]);
      }
    }
  }
}

/* policy_map is 6.1.4 (b) for CA |c|: while |policy_mapping| > 0 each
 * mapped node expects the subjectDomainPolicies instead (a node made from
 * the anyPolicy node if there is none); at 0 the mapped nodes are
 * deleted. */
static void policy_map(struct policy_level *l, const struct cf_rcert *c,
                       size_t policy_mapping) {
  for (size_t m = 0; m < c->num_policy_maps; m++) {
    const char *idp = c->policy_maps[m].issuer;
    struct policy_node *node = level_find(l, idp);
    if (policy_mapping == 0) { /* (b)(2) */
      if (node != NULL) {
        *node = l->node[--l->num];
      }
      continue;
    }
    if (node == NULL) { /* (b)(1), no node of ID-P */
      if (level_find(l, kOidAnyPolicy) == NULL ||
          l->num == ARRAY_LEN(l->node)) {
        continue;
      }
      node = &l->node[l->num++];
      node->valid = idp;
    }
    node->num_expected = 0;
    for (size_t k = 0; k < c->num_policy_maps; k++) {
      if (strcmp(c->policy_maps[k].issuer, idp) == 0) {
        node_expect(node, c->policy_maps[k].subject);
      }
    }
  }
}

/* policy_defect says what makes |c|'s certificatePolicies or
 * policyConstraints invalid, or NULL (its mappings: maps_any). */
static const char *policy_defect(const struct cf_rcert *c) {
  if (!has_exts(c)) {
    return NULL;
  }
  if (c->policies_malformed) {
    return "certificatePolicies does not decode";
  }
  if (c->pc_present && c->pc_require_explicit < 0 &&
      c->pc_inhibit_mapping < 0) {
    return "empty policyConstraints";
  }
  for (size_t i = 0; c->policies_present && i < c->num_policies; i++) {
    for (size_t j = 0; j < i; j++) {
      if (strcmp(c->policies[i], c->policies[j]) == 0 ||
          (is_any_policy(c->policies[i]) && is_any_policy(c->policies[j]))) {
        return "a policy OID repeated";
      }
    }
  }
  return NULL;
}

/* maps_any says whether |c|'s policyMappings maps anyPolicy (6.1.4 (a)). */
static int maps_any(const struct cf_rcert *c) {
  for (size_t i = 0; has_exts(c) && i < c->num_policy_maps; i++) {
    if (is_any_policy(c->policy_maps[i].issuer) ||
        is_any_policy(c->policy_maps[i].subject)) {
      return 1;
    }
  }
  return 0;
}

/* check_policies runs policy processing with the defaults of a device that
 * sets no policy input: user-initial-policy-set {anyPolicy}, no initial
 * explicit policy, no initial inhibits. */
static int check_policies(struct outcome *o, const struct ctx *x,
                          const struct path *p) {
  size_t n = num_checked(p);
  /* Malformed policy extensions are fatal where some CA requires an
   * explicit policy (B26: the tree must then be computed); otherwise a
   * library that skips policy processing (OpenSSL's default) never looks
   * at them. */
  int required = 0;
  for (size_t i = 0; i < n; i++) {
    const struct cf_rcert *c = at(x, p, i);
    required |= has_exts(c) && c->pc_present && c->pc_require_explicit >= 0;
  }
  for (size_t i = 0; i < n; i++) {
    const struct cf_rcert *c = at(x, p, i);
    const char *defect = policy_defect(c);
    /* The leaf's policyMappings are never processed (6.1.4 is for the
     * certificates above it); a library may still refuse them. */
    int leaf_map = 0;
    if (defect == NULL && maps_any(c)) {
      defect = "policyMappings maps anyPolicy";
      leaf_map = i == 0;
    }
    if (defect != NULL) {
      o->at = i;
      found(o,
            required && !leaf_map ? R_POLICY_MALFORMED
                                  : R_POLICY_MALFORMED_UNUSED,
            "cert '%s': %s", c->name, defect);
      return o->rule;
    }
  }
  struct policy_level level = {{{kOidAnyPolicy, {kOidAnyPolicy}, 1}}, 1};
  size_t explicit_policy = n + 1, inhibit_any = n + 1, policy_mapping = n + 1;
  for (size_t i = 1; i <= n; i++) {
    const struct cf_rcert *c = at(x, p, n - i);
    int si = self_issued(x->r, c);
    if (has_exts(c) && c->policies_present && level.num > 0) {
      struct policy_level next;
      policy_step(&next, &level, c, i, n, si, inhibit_any);
      level = next;
    } else if (!(has_exts(c) && c->policies_present)) {
      level.num = 0; /* (e) */
    }
    if (i < n) {
      if (has_exts(c)) {
        policy_map(&level, c, policy_mapping); /* 6.1.4 (b) */
      }
      if (!si) { /* 6.1.4 (h) */
        explicit_policy -= explicit_policy > 0;
        inhibit_any -= inhibit_any > 0;
        policy_mapping -= policy_mapping > 0;
      }
      if (has_exts(c) && c->pc_present && c->pc_require_explicit >= 0 &&
          (size_t)c->pc_require_explicit < explicit_policy) {
        explicit_policy = (size_t)c->pc_require_explicit; /* (i)(1) */
      }
      if (has_exts(c) && c->pc_present && c->pc_inhibit_mapping >= 0 &&
          (size_t)c->pc_inhibit_mapping < policy_mapping) {
        policy_mapping = (size_t)c->pc_inhibit_mapping; /* (i)(2) */
      }
      if (has_exts(c) && c->inhibit_any_policy >= 0 &&
          (size_t)c->inhibit_any_policy < inhibit_any) {
        inhibit_any = (size_t)c->inhibit_any_policy; /* (j) */
      }
    } else {
      explicit_policy -= explicit_policy > 0; /* 6.1.5 (a), (b) */
      if (has_exts(c) && c->pc_present && c->pc_require_explicit == 0) {
        explicit_policy = 0;
      }
    }
    if (explicit_policy == 0 && level.num == 0) { /* 6.1.3 (f), 6.1.5 (g) */
      o->at = n - i;
      found(o, R_POLICY_NONE,
            "cert '%s': explicit policy required, no valid policy", c->name);
      return o->rule;
    }
  }
  return o->rule;
}

/* check_critical_extensions: unknown critical extensions (RFC 5280 4.2:
 * MUST reject; 6.1.4 (o)). "Known" is what certgen writes natively. */
static int check_critical_extensions(struct outcome *o, const struct ctx *x,
                                     const struct path *p) {
  for (size_t i = 0; i < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    /* A pinned leaf is the anchor too: its critical extensions are the
     * anchor's, not processed (BoringSSL accepts, OpenSSL refuses). */
    int anchor = i == p->len - 1;
    if (!has_exts(c)) {
      continue;
    }
    /* policyMappings is modelled (check_policies), but Mbed TLS and
     * other libraries that do not process it must refuse it critical. */
    if (!anchor && c->num_policy_maps > 0 && c->policy_maps_critical) {
      o->at = i;
      found(o, R_EXT_CRITICAL_UNMODELLED, "cert '%s': critical policyMappings",
            c->name);
    }
    for (size_t e = 0; e < c->num_raw_exts; e++) {
      const struct cf_rext *ext = &c->raw_exts[e];
      if (!ext->critical ||
          is_native(ext->oid)) {
        continue;
      }
      int pkix = oid_in(ext->oid, kPkixOids, ARRAY_LEN(kPkixOids));
      o->at = i;
      found(o,
            anchor ? R_ANCHOR_CRITICAL
            : pkix ? R_EXT_CRITICAL_UNMODELLED
                   : R_EXT_UNKNOWN_CRITICAL,
            "cert '%s': critical extension %s", c->name, ext->oid);
    }
  }
  return o->rule;
}

static int eku_has(const struct cf_rcert *c, const char *oid) {
  for (size_t i = 0; i < c->num_eku; i++) {
    if (strcmp(c->eku[i], oid) == 0) {
      return 1;
    }
  }
  return 0;
}

/* check_eku: the leaf's EKU must allow the purpose (RFC 5280 4.2.1.12);
 * CAs' EKU (not defined by RFC 5280, enforced by several libraries) is an
 * EITHER when it excludes the purpose. */
static int check_eku(struct outcome *o, const struct ctx *x,
                     const struct path *p) {
  const char *want = x->prof->purpose == CF_PURPOSE_SERVER_AUTH ? kOidServerAuth
                     : x->prof->purpose == CF_PURPOSE_CLIENT_AUTH
                         ? kOidClientAuth
                         : NULL;
  if (want == NULL) {
    return o->rule;
  }
  const struct cf_rcert *leaf = at(x, p, 0);
  /* A pinned leaf's EKU is the anchor's, which RFC 5937 3 leaves to the
   * implementation (BoringSSL checks no purpose on a certificate it trusts
   * directly; OpenSSL, Mbed TLS and wolfSSL do): anchor.pinned-leaf. */
  if (p->len > 1 && eku_present(leaf) && !eku_has(leaf, want)) {
    o->at = 0;
    found(o, eku_has(leaf, kOidAnyEku) ? R_EKU_LEAF_ANY : R_EKU_LEAF,
          "leaf '%s': EKU without %s", leaf->name, want);
  }
  for (size_t i = 1; i < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    /* anyExtendedKeyUsage alone is no wider: BoringSSL's and OpenSSL's
     * purpose checks (xku_reject) want the purpose's own bit in a CA too,
     * and the CA/B BR TLS subordinate CA profile (7.1.2.6) forbids
     * anyExtendedKeyUsage. */
    if (eku_present(c) && !eku_has(c, want)) {
      found(o, R_EKU_CA, "cert '%s': CA EKU without %s%s", c->name, want,
            eku_has(c, kOidAnyEku) ? " (anyExtendedKeyUsage only)" : "");
    }
  }
  return o->rule;
}

/* check_algorithms: every signature on the path with an algorithm the
 * device accepts; RSA keys at least min-rsa-bits; e=3 an EITHER. */
static int check_algorithms(struct outcome *o, const struct ctx *x,
                            const struct path *p) {
  const struct cf_rdevice *dev = &x->r->device;
  for (size_t i = 0; i + 1 < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    enum cf_sig_alg a = eff_alg(x->r, c, c->outer_alg);
    const struct cf_pool_info *iss = key_info(at(x, p, i + 1)->key);
    if ((unsigned)a == 0 || (unsigned)a >= 32 ||
        !(dev->algorithms & (1u << (unsigned)a))) {
      o->at = i;
      found(o, R_ALG_NOT_ACCEPTED, "cert '%s': %s not accepted", c->name,
            alg_word(a, c->outer_alg_oid));
    } else if (alg_kind(a) == AK_EC && iss->type == CF_KT_EC &&
               a != default_alg(at(x, p, i + 1)->key)) {
      found(o, R_ALG_CURVE_HASH, "cert '%s': %s with a P-%u key", c->name,
            alg_word(a, c->outer_alg_oid), iss->bits);
    }
  }
  for (size_t i = 0; i < p->len; i++) {
    const struct cf_rcert *c = at(x, p, i);
    const struct cf_pool_info *info = key_info(c->key);
    int anchor = has_anchor_pos(p) && i == p->len - 1;
    if (info->type != CF_KT_RSA) {
      continue;
    }
    if (dev->min_rsa_bits > 0 && info->bits < dev->min_rsa_bits) {
      o->at = i;
      found(o, anchor ? R_ANCHOR_RSA_SMALL : R_KEY_RSA_SMALL,
            "cert '%s': RSA %u bits < %u", c->name, info->bits,
            dev->min_rsa_bits);
    }
  }
  return o->rule;
}

/* ipv4_mapped: |v6| (16 bytes) is ::ffff:|v4|. */
static int ipv4_mapped(const uint8_t *v6, const uint8_t *v4) {
  static const uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return memcmp(v6, kPrefix, 12) == 0 && memcmp(v6 + 12, v4, 4) == 0;
}

/* strip_dot drops one trailing dot from |*len|; returns whether it did. */
static int strip_dot(const uint8_t *s, size_t *len) {
  if (*len > 1 && s[*len - 1] == '.') {
    (*len)--;
    return 1;
  }
  return 0;
}

/* host_bytes: |len| bytes at |s| are what a host name is made of
 * (RFC 1123 2.1 letters, digits, hyphens and dots; '_' too, which DNS
 * carries and devices meet): no wildcard, no other punctuation. */
static int host_bytes(const uint8_t *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    uint8_t ch = s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_')) {
      return 0;
    }
  }
  return 1;
}

/* text_match: |pat| equals |ref| ignoring ASCII case, or is "*." and the
 * rest of |ref| after its first label: how a lenient library matches, for
 * features only (the oracle's own matching is dns_match). */
static int text_match(const uint8_t *pat, size_t pat_len, const uint8_t *ref,
                      size_t ref_len) {
  const uint8_t *dot = memchr(ref, '.', ref_len);
  if (pat_len == ref_len && ieq(pat, ref, ref_len)) {
    return 1;
  }
  if (pat_len < 2 || pat[0] != '*' || pat[1] != '.' || dot == NULL) {
    return 0;
  }
  size_t rest = ref_len - (size_t)(dot - ref);
  return rest == pat_len - 1 && ieq(pat + 1, dot, rest);
}

/* name_feature: for a name mismatch, what a lenient library could have
 * matched instead: "wildcard" (a dNSName SAN holds a '*'), "cn" (the
 * subject CN spells the name, but RFC 6125 6.4.4 rules the CN out) or
 * "as-text" (the device's IP address, written as text, matches a dNSName
 * SAN or, without SANs, the CN), "ip-literal" (the device's DNS name is an
 * IP address that a wildcard dNSName covers by its text). "" when nothing
 * explains a match. */
static const char *name_feature(const struct cf_rcert *leaf,
                                const uint8_t *ref, size_t ref_len, int ip) {
  int wildcard = 0, text = 0, cn = 0, other = 0;
  for (size_t i = 0; san_present(leaf) && i < leaf->san.num; i++) {
    const struct cf_gn *g = &leaf->san.names[i];
    if (g->type == CF_GN_DNS) {
      wildcard |= memchr(g->value, '*', g->value_len) != NULL;
      text |= text_match(g->value, g->value_len, ref, ref_len);
    } else if (g->type == CF_GN_URI || g->type == CF_GN_EMAIL) {
      other |= text_match(g->value, g->value_len, ref, ref_len);
    }
  }
  for (size_t i = 0; i < leaf->subject.num_attrs; i++) {
    const struct cf_rattr *a = &leaf->subject.attrs[i];
    if (strcmp(a->oid, kOidCN) == 0 &&
        text_match(a->value, a->value_len, ref, ref_len)) {
      cn |= !ip && !leaf_has_dns_san(leaf);
      text |= ip && !san_present(leaf);
    }
  }
  /* A DNS reference that is an IP address (the device passed the URL's
   * host), which a wildcard covers by its text: the curl CVE-2014-0139
   * class, named apart from wildcards so that a library's lax wildcard
   * matching is not excused by it. */
  int ip_literal = !ip && text && wildcard && is_ip_literal(ref, ref_len);
  return ip && text    ? "as-text"
         : ip_literal      ? "ip-literal"
         : !ip && wildcard ? "wildcard"
         : cn              ? "cn"
         : !ip && other    ? "other-type"
                           : "";
}

/* check_name: the leaf against the device's name (RFC 6125 6.4). A device
 * configured with no name is rejected: it would trust any server with a
 * trusted chain (B17, see docs/oracle.md). */
static int check_name(struct outcome *o, const struct ctx *x,
                      const struct path *p) {
  const struct cf_profile *prof = x->prof;
  const struct cf_rcert *leaf = at(x, p, 0);
  int wildcards = !(prof->flags & CF_PROFILE_FLAG_NO_WILDCARDS);
  const uint8_t *ref = (const uint8_t *)prof->dns_name;
  int q, full = 0, full_dot = 0, part = 0, psl = 0, dot = 0, spelled = 0;
  if (prof->name_type == CF_NAME_IP) {
    int mapped = 0;
    for (size_t i = 0; san_present(leaf) && i < leaf->san.num; i++) {
      const struct cf_gn *g = &leaf->san.names[i];
      if (g->type != CF_GN_IP) {
        continue;
      }
      if (g->value_len == prof->ip_len &&
          memcmp(g->value, prof->ip, prof->ip_len) == 0) {
        return o->rule;
      }
      mapped |= (g->value_len == 16 && prof->ip_len == 4 &&
                 ipv4_mapped(g->value, prof->ip)) ||
                (g->value_len == 4 && prof->ip_len == 16 &&
                 ipv4_mapped(prof->ip, g->value));
    }
    char text[64];
    if (found(o, mapped ? R_NAME_IP_MAPPED : R_NAME_IP,
              "leaf '%s': no iPAddress SAN equal to the device's IP%s",
              leaf->name, mapped ? " (an IPv4-mapped form is)" : "") &&
        (prof->ip_len == 4 || prof->ip_len == 16) &&
        inet_ntop(prof->ip_len == 4 ? AF_INET : AF_INET6, prof->ip, text,
                  sizeof(text)) != NULL) {
      set_feature(o, name_feature(leaf, (const uint8_t *)text, strlen(text), 1));
    }
    return o->rule;
  }
  if (prof->name_type == CF_NAME_NONE) {
    found(o, R_NAME_NOT_CONFIGURED,
          "the device checks no server name (leaf '%s' would pass for any "
          "host)", leaf->name);
    return o->rule;
  }
  if (prof->name_type != CF_NAME_DNS) {
    return o->rule;
  }
  if (leaf_has_dns_san(leaf)) {
    for (size_t i = 0; i < leaf->san.num; i++) {
      const struct cf_gn *g = &leaf->san.names[i];
      if (g->type != CF_GN_DNS) {
        continue;
      }
      if (dns_match(&q, g->value, g->value_len, ref, prof->dns_name_len,
                    wildcards)) {
        /* A SAN with a trailing dot is not in the preferred name syntax
         * (RFC 5280 4.2.1.6): matching it, even against a reference with
         * the same dot, is the libraries' choice (BoringSSL strips the
         * reference's dot only; found from an empty corpus). */
        int san_dot = g->value_len > 1 && g->value[g->value_len - 1] == '.';
        full |= q == M_EXACT && !san_dot;
        full_dot |= q == M_EXACT && san_dot;
        part |= q == M_PARTIAL;
        psl |= q == M_PUBLIC_SUFFIX;
      } else {
        size_t pat_len = g->value_len, ref_len = prof->dns_name_len;
        spelled |= pat_len == ref_len && ieq(g->value, ref, ref_len);
        int stripped = strip_dot(g->value, &pat_len);
        stripped |= strip_dot(ref, &ref_len);
        dot |= stripped && dns_match(&q, g->value, pat_len, ref, ref_len,
                                     wildcards);
      }
    }
    if (full) {
      if (!host_bytes(ref, prof->dns_name_len)) {
        found(o, R_NAME_REF_NOT_DNS, "leaf '%s': %s matches, but is no DNS name",
              leaf->name, prof->dns_name);
      }
      return o->rule;
    }
    if (full_dot && !host_bytes(ref, prof->dns_name_len)) {
      found(o, R_NAME_REF_NOT_DNS,
            "leaf '%s': %s matches a SAN with a trailing dot, but is no DNS "
            "name", leaf->name, prof->dns_name);
      return o->rule;
    }
    dot |= full_dot;
    if (spelled) {
      /* The same bytes, but not a name the matcher accepts: the reference
       * holds a '*' (or is otherwise no host name), which a library that
       * compares the bytes first finds (BoringSSL, found by the hour
       * runs), and one that parses the SAN as a wildcard does not. */
      found(o, R_NAME_REF_NOT_DNS,
            "leaf '%s': %s is no host name; a SAN spells it byte for byte",
            leaf->name, prof->dns_name);
      return o->rule;
    }
    if (prof->dns_name_len > 1 && ref[0] == '.') {
      /* A reference that starts with a dot is no host name (RFC 1034
       * 3.5); X509_check_host(3) documents it as "any subdomain". */
      for (size_t i = 0; i < leaf->san.num; i++) {
        const struct cf_gn *g = &leaf->san.names[i];
        if (g->type == CF_GN_DNS &&
            nc_dns(g->value, g->value_len, ref, prof->dns_name_len)) {
          found(o, R_NAME_REF_NOT_DNS,
                "leaf '%s': %s is no host name; SAN %.*s is under it",
                leaf->name, prof->dns_name, (int)g->value_len,
                (const char *)g->value);
          return o->rule;
        }
      }
    }
    if (psl || part || dot) {
      found(o,
            psl    ? R_NAME_PUBLIC_SUFFIX
            : part ? R_NAME_PARTIAL_WILDCARD
                   : R_NAME_TRAILING_DOT,
            "leaf '%s': %s matches only %s", leaf->name, prof->dns_name,
            psl    ? "a wildcard under a public suffix"
            : part ? "a partial wildcard"
                   : "without a trailing dot");
    } else if (found(o, R_NAME_DNS, "leaf '%s': no dNSName SAN matches %s",
                     leaf->name, prof->dns_name)) {
      set_feature(o, name_feature(leaf, ref, prof->dns_name_len, 0));
    }
    return o->rule;
  }
  for (size_t i = 0; i < leaf->subject.num_attrs; i++) {
    if (cn_is_name(x, leaf, &leaf->subject.attrs[i])) {
      found(o, R_NAME_CN_FALLBACK,
            "leaf '%s': %s matches only the subject CN", leaf->name,
            prof->dns_name);
      return o->rule;
    }
  }
  /* The same "any subdomain" reading of a leading-dot reference, on the
   * CN a library falls back to (OpenSSL, found by the hour runs). */
  if (prof->dns_name_len > 1 && ref[0] == '.' &&
      !(prof->flags & CF_PROFILE_FLAG_NO_CN_FALLBACK) &&
      !leaf_has_san(leaf, CF_GN_URI)) {
    for (size_t i = 0; i < leaf->subject.num_attrs; i++) {
      const struct cf_rattr *a = &leaf->subject.attrs[i];
      if (strcmp(a->oid, kOidCN) == 0 &&
          nc_dns(a->value, a->value_len, ref, prof->dns_name_len)) {
        found(o, R_NAME_REF_NOT_DNS,
              "leaf '%s': %s is no host name; CN %.*s is under it",
              leaf->name, prof->dns_name, (int)a->value_len,
              (const char *)a->value);
        return o->rule;
      }
    }
  }
  if (found(o, R_NAME_DNS, "leaf '%s': no dNSName SAN%s", leaf->name,
            prof->flags & CF_PROFILE_FLAG_NO_CN_FALLBACK
                ? " (CN fallback disabled)"
            : leaf_has_san(leaf, CF_GN_URI) ? " (a URI-ID rules out the CN)"
                                            : " and no matching CN")) {
    set_feature(o, name_feature(leaf, ref, prof->dns_name_len, 0));
  }
  return o->rule;
}

typedef int (*path_check_fn)(struct outcome *o, const struct ctx *x,
                             const struct path *p);

/* kPathChecks is the order of the checks on one path (docs/oracle.md):
 * when several fail, the first decides the reason. */
static const path_check_fn kPathChecks[] = {
    check_links,          check_depth,          check_keys,
    check_signatures,     check_validity,
    check_basic_constraints, check_path_len,
    check_key_usage,      check_name_constraints,
    check_policies,       check_critical_extensions,
    check_eku,            check_algorithms,
    check_name,
};

/* judge_path runs kPathChecks on |p|. The answer is a REJECT if any check
 * finds one: the one attributed to the certificate closest to the anchor
 * (RFC 5280 6.1 processes certificate 1, next to the anchor, first), and
 * for one certificate the first in kPathChecks order; else the first
 * EITHER rule in check order; else R_NONE (ACCEPT). |*out_passed| is the
 * number of checks before the first one that REJECTs (all of them when
 * none does): how far the path got, to rank failing paths. */
static void judge_path(struct outcome *out, size_t *out_passed,
                       const struct ctx *x, const struct path *p) {
  struct outcome either = {R_NONE, 0, 0, "", "", 0};
  out->rule = R_NONE;
  out->detail[0] = '\0';
  *out_passed = ARRAY_LEN(kPathChecks);
  for (size_t i = 0; i < ARRAY_LEN(kPathChecks); i++) {
    struct outcome o = {R_NONE, 0, 0, "", "", 0};
    if (kPathChecks[i](&o, x, p) == R_NONE) {
      continue;
    }
    if (!is_reject(&o)) {
      if (either.rule == R_NONE) {
        either = o;
      }
      continue;
    }
    if (!is_reject(out)) {
      *out = o;
      *out_passed = i;
    } else if (o.pos > out->pos) {
      *out = o;
    }
  }
  if (!is_reject(out)) {
    *out = either;
  }
}

/* --- 5. path building ------------------------------------------------------ */

struct search {
  const struct ctx *x;
  struct path cur;
  int on_path[MAX_CERTS];
  size_t paths, steps;
  /* best so far: ACCEPT > EITHER > REJECT; among REJECTs the path that
   * passed the most checks, then the longest, then the first found. */
  int have;
  struct outcome best;
  size_t best_passed, best_len;
};

/* rank orders outcomes: 2 ACCEPT, 1 EITHER, 0 REJECT. */
static int rank(const struct outcome *o) {
  return o->rule == R_NONE ? 2 : kRules[o->rule].kind == CF_EXPECT_EITHER;
}

static void consider(struct search *s) {
  struct outcome o;
  size_t passed;
  judge_path(&o, &passed, s->x, &s->cur);
  s->paths++;
  if (!s->have || rank(&o) > rank(&s->best) ||
      (rank(&o) == 0 && rank(&s->best) == 0 &&
       (passed > s->best_passed ||
        (passed == s->best_passed && s->cur.len > s->best_len)))) {
    s->have = 1;
    s->best = o;
    s->best_passed = passed;
    s->best_len = s->cur.len;
  }
}

/* ends_path: every anchor ends a path (RFC 5280 6.1.1 (d)); check_links
 * makes a non-self-issued one an EITHER without partial-chain. */
static int ends_path(const struct ctx *x, int idx) {
  return x->is_anchor[idx];
}

/* extend explores every way to continue the current path: candidates are
 * the sent certificates after the leaf, then the anchors, whose subject
 * matches the issuer DN of the last certificate (RFC 5280 7.1), none
 * twice. Reaching an anchor that ends a path judges it; the search also
 * goes on through the anchor (it may be cross-signed). */
static void extend(struct search *s) {
  const struct ctx *x = s->x;
  const struct cf_rdevice *dev = &x->r->device;
  int last = s->cur.idx[s->cur.len - 1];
  if (ends_path(x, last)) {
    consider(s);
  }
  if (s->cur.len >= MAX_CERTS || s->paths >= MAX_PATHS ||
      ++s->steps >= MAX_STEPS) {
    return;
  }
  const struct cf_rname *want = issuer_dn(x->r, &x->r->certs[last]);
  int tried[MAX_CERTS] = {0};
  for (size_t k = 0; k < dev->num_chain + dev->num_anchors; k++) {
    int cand = k < dev->num_chain ? dev->chain[k]
                                  : dev->anchors[k - dev->num_chain];
    if (tried[cand] || s->on_path[cand]) {
      continue;
    }
    tried[cand] = 1;
    if (!dn_equal(&x->r->certs[cand].subject, want)) {
      continue;
    }
    s->on_path[cand] = 1;
    s->cur.idx[s->cur.len++] = cand;
    extend(s);
    s->cur.len--;
    s->on_path[cand] = 0;
  }
}

/* consistent checks the indices of |r|. */
static int consistent(const struct cf_recipe *r) {
  const struct cf_rdevice *dev = &r->device;
  if (r->num_certs > MAX_CERTS || dev->num_chain == 0 ||
      dev->num_chain > MAX_CERTS || dev->num_anchors > MAX_CERTS) {
    return 0;
  }
  for (size_t i = 0; i < dev->num_chain; i++) {
    if (dev->chain[i] < 0 || (size_t)dev->chain[i] >= r->num_certs) {
      return 0;
    }
  }
  for (size_t i = 0; i < dev->num_anchors; i++) {
    if (dev->anchors[i] < 0 || (size_t)dev->anchors[i] >= r->num_certs) {
      return 0;
    }
  }
  for (size_t i = 0; i < r->num_certs; i++) {
    const struct cf_rcert *c = &r->certs[i];
    if (c->issuer < 0 || (size_t)c->issuer >= r->num_certs ||
        cf_pool_get(c->key) == NULL ||
        (c->signed_by >= 0 && cf_pool_get(c->signed_by) == NULL) ||
        c->version < 1 || c->version > 3) {
      return 0;
    }
  }
  return 1;
}

static void set_result(struct cf_oracle_result *out, const struct outcome *o) {
  if (o->rule == R_NONE) {
    out->expect = CF_EXPECT_ACCEPT;
    out->reason = CF_REASON_NONE;
    out->rule = "accept";
  } else {
    out->expect = kRules[o->rule].kind;
    out->reason = kRules[o->rule].reason;
    out->rule = kRules[o->rule].id;
  }
  snprintf(out->detail, sizeof(out->detail), "%s", o->detail);
  snprintf(out->feature, sizeof(out->feature), "%s", o->feature);
}

/* mark_identical_anchors: a certificate whose built DER is byte for byte
 * an anchor's is that anchor, whichever cert block made it: libraries find
 * anchors by their bytes (two blocks with the same key, names, serial,
 * validity and signer build the same certificate; found from an empty
 * corpus, where a pinned leaf was judged as signed by its twin). */
static void mark_identical_anchors(struct ctx *x) {
  const struct cf_built *b = x->b;
  if (b == NULL) {
    return;
  }
  for (size_t i = 0; i < x->r->num_certs && i < MAX_CERTS; i++) {
    for (size_t j = 0; j < x->r->device.num_anchors && !x->is_anchor[i]; j++) {
      size_t a = (size_t)x->r->device.anchors[j];
      x->is_anchor[i] = b->der[i] != NULL && b->der[a] != NULL &&
                        b->der_len[i] == b->der_len[a] &&
                        memcmp(b->der[i], b->der[a], b->der_len[i]) == 0;
    }
  }
}

int cf_oracle_judge(struct cf_oracle_result *out, const struct cf_recipe *r,
                    const struct cf_built *b) {
  struct search s;
  struct ctx x;
  struct outcome sent = {R_NONE, 0, 0, "", "", 0}, opaque = {R_NONE, 0, 0, "", "", 0};

  memset(out, 0, sizeof(*out));
  if (!consistent(r)) {
    return 0;
  }
  memset(&x, 0, sizeof(x));
  x.r = r;
  x.b = b;
  x.prof = &r->device.profile;
  x.now = cf_profile_effective_time(x.prof);
  for (size_t i = 0; i < r->device.num_anchors; i++) {
    x.is_anchor[r->device.anchors[i]] = 1;
  }
  mark_identical_anchors(&x);
  for (size_t i = 0; i < r->device.num_chain; i++) {
    x.in_chain[r->device.chain[i]] = 1;
  }

  /* 1. What is sent: size and encoding. */
  if (is_reject_rule(check_sent(&sent, &x))) {
    set_result(out, &sent);
    return 1;
  }
  /* Content the oracle cannot interpret: no further judgement. */
  for (size_t i = 0; i < r->num_certs; i++) {
    if (x.in_chain[i] || x.is_anchor[i]) {
      check_opaque(&opaque, &r->certs[i]);
    }
  }
  if (opaque.rule != R_NONE) {
    set_result(out, &opaque);
    return 1;
  }

  /* 2., 3. Paths from the leaf to an anchor, each judged. */
  memset(&s, 0, sizeof(s));
  s.x = &x;
  s.cur.idx[0] = r->device.chain[0];
  s.cur.len = 1;
  s.on_path[r->device.chain[0]] = 1;
  extend(&s);

  /* 4. The verdict. */
  if (!s.have) {
    struct outcome o = {R_NONE, 0, 0, "", "", 0};
    found(&o, R_PATH_UNTRUSTED, "no path from '%s' to a trust anchor",
          r->certs[r->device.chain[0]].name);
    set_result(out, &o);
    return 1;
  }
  if (rank(&s.best) > 0 && sent.rule != R_NONE) {
    s.best = sent; /* a parse-level EITHER comes first in the order */
  }
  set_result(out, &s.best);
  if (s.paths >= MAX_PATHS || s.steps >= MAX_STEPS) {
    size_t used = strlen(out->detail);
    snprintf(out->detail + used, sizeof(out->detail) - used,
             " (search bounded)");
  }
  return 1;
}

//! Outgoing webhooks (`CALL_WEBHOOK`): a JSON POST signed per the Standard Webhooks scheme
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<HMAC-SHA256>`, with the
//! workflow's `whsec_` secret; the `standardwebhooks` crate signs), with a timeout, no
//! redirects, and the status and a bounded excerpt of the answer kept as the step's output.
//!
//! A URL whose host resolves to a loopback, private, link-local (cloud metadata), shared or
//! otherwise non-public address is refused unless `TALENTGRAPH_WEBHOOK_ALLOW_PRIVATE=true`; the
//! request then goes to the very address that was checked, so a name that changes its answer
//! between the check and the call (DNS rebinding) cannot reach inside.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use serde_json::{Value, json};

/// Bytes of the receiver's answer kept in the step's output.
pub const EXCERPT: usize = 1024;

/// Why a call failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq)]
pub struct CallError {
    pub message: String,
    /// A refused URL does not become acceptable by waiting.
    pub permanent: bool,
}

impl CallError {
    fn transient(message: impl Into<String>) -> Self {
        CallError {
            message: message.into(),
            permanent: false,
        }
    }

    fn permanent(message: impl Into<String>) -> Self {
        CallError {
            message: message.into(),
            permanent: true,
        }
    }
}

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared, reserved,
/// multicast or unspecified; IPv4-mapped IPv6 is judged as its IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        // 0.0.0.0/8, shared address space (100.64/10), benchmarking (198.18/15), reserved (240/4).
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let first = segments[0];
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    // Addresses that carry an IPv4 one reach it: NAT64 (64:ff9b::/96), IPv4-compatible
    // (::/96), 6to4 (2002::/16). Teredo (2001::/32) tunnels anywhere: refused.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || segments[..6] == [0, 0, 0, 0, 0, 0] {
        return !ip.is_unspecified()
            && !ip.is_loopback()
            && is_public_v4(embedded(segments[6], segments[7]));
    }
    if first == 0x2002 {
        return is_public_v4(embedded(segments[1], segments[2]));
    }
    if first == 0x2001 && segments[1] == 0 {
        return false;
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local (fc00::/7, where clouds put metadata too), link-local (fe80::/10),
        // documentation (2001:db8::/32).
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

/// POSTs `body` to `url`, signed with `secret` as message `msg_id`; the receiver's status and
/// answer excerpt on a 2xx, an error otherwise.
pub async fn call(
    url: &str,
    timeout: Duration,
    secret: &str,
    msg_id: &str,
    body: &Value,
    allow_private: bool,
) -> Result<Value, CallError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|_| CallError::permanent("the URL is invalid"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| CallError::permanent("the URL has no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = parsed
        .port_or_known_default()
        .ok_or_else(|| CallError::permanent("the URL has no port"))?;
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|err| CallError::transient(format!("cannot resolve {host}: {err}")))?
        .collect();
    let Some(address) = addresses.first().copied() else {
        return Err(CallError::transient(format!("{host} has no address")));
    };
    if !allow_private && addresses.iter().any(|a| !is_public(a.ip())) {
        return Err(CallError::permanent(format!(
            "refused: {host} resolves to a private, loopback or link-local address"
        )));
    }
    let payload = serde_json::to_vec(body)
        .map_err(|err| CallError::permanent(format!("the payload does not serialise: {err}")))?;
    let timestamp = chrono::Utc::now().timestamp();
    let signature = standardwebhooks::Webhook::new(secret)
        .and_then(|hook| hook.sign(msg_id, timestamp, &payload))
        .map_err(|err| CallError::permanent(format!("cannot sign: {err}")))?;
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve the host again itself: the checked address is the one called.
        .no_proxy()
        .resolve(&host, address)
        .user_agent(concat!("talentgraph/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| CallError::transient(format!("cannot build the client: {err}")))?;
    let response = client
        .post(parsed)
        .header("content-type", "application/json")
        .header("webhook-id", msg_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(payload)
        .send()
        .await
        .map_err(|err| {
            if err.is_timeout() {
                CallError::transient(format!("no answer within {}s", timeout.as_secs()))
            } else {
                CallError::transient(format!("the call failed: {}", without_url(&err)))
            }
        })?;
    let status = response.status();
    let excerpt = excerpt(response).await;
    if status.is_success() {
        Ok(json!({ "status": status.as_u16(), "body": excerpt }))
    } else {
        Err(CallError::transient(format!(
            "the receiver answered {}: {excerpt}",
            status.as_u16()
        )))
    }
}

/// The first [`EXCERPT`] bytes of the answer (read no further), as text.
async fn excerpt(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < EXCERPT {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(EXCERPT);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The error without its URL (which may carry credentials in its query).
fn without_url(err: &reqwest::Error) -> String {
    let mut message = err.to_string();
    if let Some(url) = err.url() {
        message = message.replace(url.as_str(), "the URL");
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "::a9fe:a9fe",
            "2002:a9fe:a9fe::1",
            "2001:0:4136:e378::1",
        ] {
            let ip: IpAddr = ip.parse().expect("ip");
            assert!(!is_public(ip), "{ip} taken for public");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "64:ff9b::808:808",
        ] {
            let ip: IpAddr = ip.parse().expect("ip");
            assert!(is_public(ip), "{ip} taken for private");
        }
    }

    #[tokio::test]
    async fn a_url_resolving_to_loopback_is_refused_before_any_request() {
        let err = call(
            "http://localhost:9/hook",
            Duration::from_secs(1),
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_1",
            &json!({}),
            false,
        )
        .await
        .expect_err("refused");
        assert!(err.permanent);
        assert!(err.message.contains("refused"), "{}", err.message);
    }
}

//! The client's address behind load balancers (`TALENTGRAPH_TRUSTED_PROXIES`): the peer of the
//! connection, unless that peer is a trusted proxy — then the nearest address its forwarding
//! headers name that is not itself a trusted proxy, read from the right (`X-Forwarded-For`,
//! else `Forwarded: for=`). Addresses a client writes into those headers itself stand left of
//! what its proxy appended, so nobody picks their own address; from a peer that is not trusted
//! the headers are ignored.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address for a connection from `peer` carrying `headers`.
pub fn client_ip(trusted: &[IpNet], peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let chain = forwarded_for(headers);
    chain
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        // Every hop is a trusted proxy: the farthest one is the best guess.
        .or_else(|| chain.first())
        .copied()
        .unwrap_or(peer)
}

/// [`client_ip`] keeping the peer's port.
pub fn client_addr(trusted: &[IpNet], peer: SocketAddr, headers: &HeaderMap) -> SocketAddr {
    SocketAddr::new(client_ip(trusted, peer.ip(), headers), peer.port())
}

/// The addresses of `X-Forwarded-For` (all of its headers, in order), or else of `Forwarded`'s
/// `for=` parameters; entries that are not addresses (`unknown`, obfuscated names) are skipped.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let xff: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(parse_node)
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(value.trim().trim_matches('"')))?
            })
        })
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            node.strip_prefix('[')
                .and_then(|n| n.split(']').next())
                .and_then(|n| n.parse().ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("header"));
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        // A direct client cannot pretend to be someone else.
        assert_eq!(
            client_ip(&trusted, ip("198.51.100.4"), &spoofed),
            ip("198.51.100.4")
        );
        assert_eq!(client_ip(&[], ip("10.0.0.2"), &spoofed), ip("10.0.0.2"));
        // Behind the load balancer, the client it saw.
        assert_eq!(
            client_ip(&trusted, ip("10.0.0.2"), &spoofed),
            ip("203.0.113.9")
        );
        // What the client wrote itself stands left of what the proxy appended.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.3")]);
        assert_eq!(
            client_ip(&trusted, ip("10.0.0.2"), &chain),
            ip("203.0.113.9")
        );
        // RFC 7239, with ports and IPv6.
        let rfc = headers(&[(
            "forwarded",
            r#"for="[2001:db8::1]:4711";proto=https, for=10.0.0.9"#,
        )]);
        assert_eq!(client_ip(&trusted, ip("10.0.0.2"), &rfc), ip("2001:db8::1"));
        // No header: the proxy itself.
        assert_eq!(
            client_ip(&trusted, ip("10.0.0.2"), &HeaderMap::new()),
            ip("10.0.0.2")
        );
    }
}

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
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // From the nearest hop outwards: the first address that is not a trusted proxy is the
    // client. An entry that is not an address ends the walk at the hop before it (what stands
    // left of it cannot be vouched for); a chain of trusted proxies only names its nearest hop.
    let mut nearest = peer;
    for entry in forwarded_for(headers).iter().rev() {
        let Some(ip) = parse_node(entry).map(|ip| ip.to_canonical()) else {
            return nearest;
        };
        if !is_trusted(&ip) {
            return ip;
        }
        if nearest == peer {
            nearest = ip;
        }
    }
    nearest
}

/// [`client_ip`] keeping the peer's port.
pub fn client_addr(trusted: &[IpNet], peer: SocketAddr, headers: &HeaderMap) -> SocketAddr {
    SocketAddr::new(client_ip(trusted, peer.ip(), headers), peer.port())
}

/// The entries of `X-Forwarded-For` (all of its headers, in order) when the request has one,
/// else of `Forwarded`'s `for=` parameters; never a mix (a client could otherwise send the
/// header its proxy does not set). Values are read as bytes: a line a client filled with
/// non-ASCII is not dropped in favour of the rest.
fn forwarded_for(headers: &HeaderMap) -> Vec<String> {
    let text = |v: &axum::http::HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned();
    if headers.contains_key("x-forwarded-for") {
        return headers
            .get_all("x-forwarded-for")
            .iter()
            .map(text)
            .flat_map(|v| {
                v.split(',')
                    .map(|e| e.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
    }
    headers
        .get_all("forwarded")
        .iter()
        .map(text)
        .flat_map(|v| {
            v.split(',')
                .map(|element| {
                    element
                        .split(';')
                        .find_map(|pair| {
                            let (key, value) = pair.split_once('=')?;
                            key.trim()
                                .eq_ignore_ascii_case("for")
                                .then(|| value.trim().trim_matches('"').to_owned())
                        })
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
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

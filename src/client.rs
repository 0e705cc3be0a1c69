//! Who is asking: the address a request comes from. Behind a reverse proxy every request
//! arrives from the proxy, so `Forwarded` / `X-Forwarded-For` are believed, but only from the
//! proxies the operator named (none by default: anyone can send those headers).

use std::net::{IpAddr, Ipv6Addr};

use actix_web::http::header::HeaderMap;

/// The client's address: the peer's, or when the peer is a trusted proxy, the nearest address
/// its forwarding headers name that is not itself a trusted proxy.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    // Each proxy appends the address it heard from: read from the right, past our own proxies.
    let chain = forwarded_for(headers).or_else(|| x_forwarded_for(headers));
    let Some(chain) = chain else {
        return Some(peer);
    };
    let mut client = peer;
    for hop in chain.iter().rev() {
        match hop {
            Some(address) => {
                client = canonical(*address);
                if !trusted.contains(&client) {
                    break;
                }
            }
            // An obfuscated or unknown hop: the last address we could read is the best we know.
            None => break,
        }
    }
    Some(client)
}

/// What login throttling counts under: an IPv4 address, or an IPv6 address's /64 (one
/// household or server usually owns a whole /64, so single addresses are free to rotate).
pub fn throttle_key(address: IpAddr) -> String {
    match canonical(address) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let network = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{network}/64")
        }
    }
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:1.2.3.4`) read as IPv4.
pub fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The `for=` values of every `Forwarded` header (RFC 7239), in order; None when absent.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut chain = Vec::new();
    for value in headers.get_all("forwarded") {
        let value = value.to_str().ok()?;
        for element in value.split(',') {
            let node = element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim().trim_matches('"'))
            });
            if let Some(node) = node {
                chain.push(parse_node(node));
            }
        }
    }
    (!chain.is_empty()).then_some(chain)
}

fn x_forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut chain = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let value = value.to_str().ok()?;
        chain.extend(value.split(',').map(|hop| parse_node(hop.trim())));
    }
    (!chain.is_empty()).then_some(chain)
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.parse().ok().or_else(|| {
        let (host, port) = node.rsplit_once(':')?;
        port.parse::<u16>().ok()?;
        host.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        let peer = Some(ip("198.51.100.7"));
        assert_eq!(client_ip(peer, &spoofed, &[]), peer);
        assert_eq!(client_ip(peer, &spoofed, &[ip("10.0.0.1")]), peer);
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let proxy = ip("10.0.0.1");
        let trusted = [proxy, ip("10.0.0.2")];
        // The client forged the first entry; our proxies appended the real ones.
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(
            client_ip(Some(proxy), &chain, &trusted),
            Some(ip("203.0.113.9"))
        );
        let forwarded = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\"",
        )]);
        assert_eq!(
            client_ip(Some(proxy), &forwarded, &trusted),
            Some(ip("2001:db8:cafe::17"))
        );
        assert_eq!(client_ip(Some(proxy), &headers(&[]), &trusted), Some(proxy));
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(client_ip(Some(proxy), &unknown, &trusted), Some(proxy));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_slash_64() {
        assert_eq!(throttle_key(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            throttle_key(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_eq!(throttle_key(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_ne!(
            throttle_key(ip("2001:db8:1:3::1")),
            throttle_key(ip("2001:db8:1:2::1"))
        );
        assert_eq!(throttle_key(ip("::ffff:192.0.2.1")), "192.0.2.1");
    }
}

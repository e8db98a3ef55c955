//! Sending an alert to an area's webhook (DESIGN §3b): a JSON POST signed
//! with HMAC-SHA256 over the body, so the receiving gateway can tell it came
//! from here. Plain HTTP only (no TLS stack in the binary): a city relays to
//! an HTTPS gateway through its proxy (see deploy/).

use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sha2::Sha256;

use crate::storage::alerts::Delivery;

/// The header carrying `sha256=<hex>` of the body under the hook's secret.
pub const SIGNATURE: &str = "x-vungxanh-signature";
/// The header naming the alert: a receiver that got it once may drop a resend.
pub const DELIVERY: &str = "x-vungxanh-delivery";

/// `sha256=<hex>` of `body` under `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts one delivery; the answer's status code, or what failed.
pub async fn post(d: &Delivery, timeout: std::time::Duration) -> Result<u16, String> {
    let body = serde_json::to_vec(&d.body).map_err(|e| e.to_string())?;
    let uri: hyper::Uri = d.url.parse().map_err(|e| format!("url: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// is sent from here; relay https through the proxy".into());
    }
    let req = hyper::Request::post(uri)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE, sign(&d.secret, &body))
        .header(DELIVERY, d.alert_id.to_string())
        .header(hyper::header::USER_AGENT, "vungxanh-alerts")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let client = Client::builder(TokioExecutor::new()).build_http();
    let send = async {
        let res = client.request(req).await.map_err(|e| e.to_string())?;
        let code = res.status().as_u16();
        // Read the answer to its end so the connection closes cleanly.
        let _ = res.into_body().collect().await;
        Ok::<u16, String>(code)
    };
    match tokio::time::timeout(timeout, send).await {
        Ok(r) => r,
        Err(_) => Err(format!("no answer in {} s", timeout.as_secs_f64())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_sha256_of_the_body_in_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

//! Helpers shared by the transport tests: a raw OPTIONS → SUPPORTED exchange over a
//! [`Stream`], and certificates made with rcgen.
#![allow(dead_code)]

pub mod sessions;

use cql_transport_tcp::frame::{Compression, DEFAULT_MAX_BODY_LEN, ProtocolVersion, read_frame};
use cql_transport_tcp::message::{Request, RequestFrame, Response, ResponseFrame, Supported};
use cql_transport_tcp::runtime::Stream;

/// Sends OPTIONS (v4, stream 7) and returns the SUPPORTED answer.
pub async fn options(stream: &mut Stream) -> Supported {
    let mut out = Vec::new();
    RequestFrame::new(7, Request::Options)
        .encode(ProtocolVersion::V4, Compression::None, &mut out)
        .unwrap();
    stream.writer.write_all(&out).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some((frame, _)) = read_frame(&buf, DEFAULT_MAX_BODY_LEN, Compression::None).unwrap()
        {
            let answer = ResponseFrame::decode(&frame).unwrap();
            assert_eq!(answer.stream, 7);
            match answer.response {
                Response::Supported(s) => return s,
                other => panic!("expected SUPPORTED, got {other:?}"),
            }
        }
        let n = stream.reader.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the node closed the stream before answering");
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A CA and a leaf certificate it signs for `names`, as PEM: (ca, cert, key).
pub fn ca_and_leaf(names: &[&str]) -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "transport test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

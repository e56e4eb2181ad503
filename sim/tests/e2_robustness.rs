//! Damaged E2AP messages never make the simulators panic, and the node
//! answers every message it cannot read with an Error Indication.

use codecs::e2ap::{self, E2apVersion};
use proptest::prelude::*;
use sim::Nanos;
use sim::e2::proto::MS;
use sim::e2::{E2Node, E2NodeConfig, NearRtRic, NodeState, RicConfig};

/// Every message of a short run in both directions, and a connected pair.
fn corpus(v: E2apVersion) -> (Vec<Vec<u8>>, E2Node, NearRtRic) {
    let mut node = E2Node::new(E2NodeConfig::new(v));
    let mut ric = NearRtRic::new(RicConfig::new(v));
    ric.association_up(0, 1);
    node.start(0);
    let mut msgs = Vec::new();
    let mut now: Nanos = 0;
    while now <= 2_100 * MS {
        while let Some(t) = node.poll_transmit(now) {
            ric.handle_message(now, 1, t.stream, &t.bytes);
            msgs.push(t.bytes);
        }
        while let Some((_, t)) = ric.poll_transmit(now) {
            node.handle_message(now, t.stream, &t.bytes);
            msgs.push(t.bytes);
        }
        now += 50 * MS;
    }
    assert_eq!(node.state(), NodeState::Connected);
    (msgs, node, ric)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn damaged_messages_do_not_panic(
        v in prop::sample::select(vec![E2apVersion::V1_00, E2apVersion::V2_03, E2apVersion::V3_01]),
        pick in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let (msgs, mut node, mut ric) = corpus(v);
        let mut m = msgs[pick.index(msgs.len())].clone();
        for (i, x) in flips {
            let i = i.index(m.len());
            m[i] ^= x;
        }
        let keep = cut.index(m.len() + 1).max(1);
        m.truncate(keep);
        let now = 3_000 * MS;
        node.handle_message(now, 0, &m);
        ric.handle_message(now, 1, 0, &m);
        let out: Vec<_> = std::iter::from_fn(|| node.poll_transmit(now)).collect();
        while ric.poll_transmit(now).is_some() {}
        if e2ap::decode(v, &m).is_err() && sim::e2::proto::skeleton(&m).is_none() {
            // Unreadable: a transfer-syntax Error Indication.
            prop_assert!(out.iter().any(|t| e2ap::decode(v, &t.bytes).ok().and_then(|p| p.procedure_code()) == Some(2)));
        }
        prop_assert!(node.poll_timeout().is_none_or(|t| t > now) || node.poll_transmit(now).is_none());
    }
}

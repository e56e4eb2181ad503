"""Builds the E2AP messages of the E2AP benchmarks (codecs/benches/e2ap.rs and
scripts/bench_e2_peers) and writes them to codecs/benches/e2ap_messages.tsv.

The E2AP PDUs are encoded by pycrate (its own E2AP module, whose procedures
1-16 are v03.01's); the service-model payloads they carry by asn1tools from
the E2SM-KPM v03.00 ASN.1: a RAN function description in the E2 Setup
Request, an event trigger and action definition in the RIC Subscription
Request, an indication header and format-1 indication message (measurement
records of a few cells' KPIs) in the RIC Indications.

Not part of CI: needs pycrate and asn1tools (scripts/bench_e2_peers installs
them into a venv) and the KPM ASN.1:

    python3 scripts/bench_e2_peers_gen.py [--kpm ../shared/asn1/e2sm-kpm/E2SM-KPM-v03.00.asn]
"""

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'codecs', 'benches', 'e2ap_messages.tsv')

MEASUREMENTS = ['DRB.UEThpDl', 'DRB.UEThpUl', 'RRU.PrbTotDl', 'RRU.PrbTotUl', 'DRB.RlcSduDelayDl',
                'RRC.ConnMean', 'DRB.PdcpSduVolumeDL', 'DRB.PdcpSduVolumeUL']
KPM_OID = '1.3.6.1.4.1.53148.1.2.2.2'
PLMN = b'\x00\xf1\x10'


def kpm_payloads(kpm_asn):
    import asn1tools
    kpm = asn1tools.compile_files([kpm_asn], 'per')

    def enc(t, v):
        b = kpm.encode(t, v)
        assert kpm.decode(t, b) == v, t
        return b

    description = enc('E2SM-KPM-RANfunction-Description', {
        'ranFunction-Name': {
            'ranFunction-ShortName': 'ORAN-E2SM-KPM',
            'ranFunction-E2SM-OID': KPM_OID,
            'ranFunction-Description': 'KPM Monitor',
            'ranFunction-Instance': 1,
        },
        'ric-EventTriggerStyle-List': [
            {'ric-EventTriggerStyle-Type': 1, 'ric-EventTriggerStyle-Name': 'Periodic Report',
             'ric-EventTriggerFormat-Type': 1},
        ],
        'ric-ReportStyle-List': [
            {'ric-ReportStyle-Type': 1, 'ric-ReportStyle-Name': 'E2 Node Measurement', 'ric-ActionFormat-Type': 1,
             'measInfo-Action-List': [{'measName': m, 'measID': i + 1} for i, m in enumerate(MEASUREMENTS)],
             'ric-IndicationHeaderFormat-Type': 1, 'ric-IndicationMessageFormat-Type': 1},
            {'ric-ReportStyle-Type': 2, 'ric-ReportStyle-Name': 'E2 Node Measurement for a single UE',
             'ric-ActionFormat-Type': 2,
             'measInfo-Action-List': [{'measName': m, 'measID': i + 1} for i, m in enumerate(MEASUREMENTS[:4])],
             'ric-IndicationHeaderFormat-Type': 1, 'ric-IndicationMessageFormat-Type': 1},
        ],
    })
    trigger = enc('E2SM-KPM-EventTriggerDefinition',
                  {'eventDefinition-formats': ('eventDefinition-Format1', {'reportingPeriod': 1000})})
    action = enc('E2SM-KPM-ActionDefinition', {
        'ric-Style-Type': 1,
        'actionDefinition-formats': ('actionDefinition-Format1', {
            'measInfoList': [{'measType': ('measName', m), 'labelInfoList': [{'measLabel': {'noLabel': 'true'}}]}
                             for m in MEASUREMENTS[:4]],
            'granulPeriod': 1000,
            'cellGlobalID': ('nR-CGI', {'pLMNIdentity': PLMN, 'nRCellIdentity': (b'\x00\x00\x01\x9b\x10', 36)}),
        }),
    })
    header = enc('E2SM-KPM-IndicationHeader', {
        'indicationHeader-formats': ('indicationHeader-Format1', {
            'colletStartTime': bytes.fromhex('67a1b2c300000000'),
            'fileFormatversion': 'v03.00',
            'senderName': 'gnb-du-1',
            'senderType': 'DU',
            'vendorName': 'example',
        }),
    })

    def message(records, values):
        # `records` measurement records (one per granularity period) of
        # `values` KPIs each; a few periods without a value.
        data = []
        for r in range(records):
            rec = []
            for k in range(values):
                if (r * values + k) % 17 == 16:
                    rec.append(('noValue', None))
                else:
                    rec.append(('integer', (r * 7919 + k * 104729) % 4000000))
            item = {'measRecord': rec}
            if r == records - 1:
                item['incompleteFlag'] = 'true'
            data.append(item)
        return enc('E2SM-KPM-IndicationMessage', {
            'indicationMessage-formats': ('indicationMessage-Format1', {
                'measData': data,
                'measInfoList': [{'measType': ('measName', MEASUREMENTS[k % len(MEASUREMENTS)]),
                                  'labelInfoList': [{'measLabel': {'noLabel': 'true'}}]} for k in range(values)],
                'granulPeriod': 1000,
            }),
        })

    return description, trigger, action, header, message(4, 4), message(48, 8)


def e2ap_messages(kpm):
    from pycrate_asn1dir import E2AP
    pdu = E2AP.E2AP_PDU_Descriptions.E2AP_PDU
    description, trigger, action, header, small, large = kpm

    def enc(val):
        pdu.set_val(val)
        b = pdu.to_aper()
        pdu.from_aper(b)
        assert pdu.to_aper() == b
        return b

    def ie(i, crit, name, v):
        return {'id': i, 'criticality': crit, 'value': (name, v)}

    def component(kind, cid, req, resp):
        return ie(51, 'reject', 'E2nodeComponentConfigAddition-Item', {
            'e2nodeComponentInterfaceType': kind, 'e2nodeComponentID': cid,
            'e2nodeComponentConfiguration': {'e2nodeComponentRequestPart': req,
                                             'e2nodeComponentResponsePart': resp}})

    setup = enc(('initiatingMessage', {'procedureCode': 1, 'criticality': 'reject', 'value': ('E2setupRequest', {
        'protocolIEs': [
            ie(49, 'reject', 'TransactionID', 1),
            ie(3, 'reject', 'GlobalE2node-ID', ('gNB', {'global-gNB-ID': {
                'plmn-id': PLMN, 'gnb-id': ('gnb-ID', (411, 22))}, 'gNB-DU-ID': 1})),
            ie(10, 'reject', 'RANfunctions-List', [
                ie(8, 'ignore', 'RANfunction-Item', {'ranFunctionID': 2, 'ranFunctionDefinition': description,
                                                     'ranFunctionRevision': 1, 'ranFunctionOID': KPM_OID}),
            ]),
            ie(50, 'reject', 'E2nodeComponentConfigAddition-List', [
                # F1 Setup Request / Response as the DU sent and received them (opaque here).
                component('f1', ('e2nodeComponentInterfaceTypeF1', {'gNB-DU-ID': 1}),
                          bytes(range(48)), bytes(range(100, 124))),
            ]),
        ]})}))
    ricreq = ie(29, 'reject', 'RICrequestID', {'ricRequestorID': 1021, 'ricInstanceID': 3})
    subscription = enc(('initiatingMessage', {
        'procedureCode': 8, 'criticality': 'reject', 'value': ('RICsubscriptionRequest', {'protocolIEs': [
            ricreq,
            ie(5, 'reject', 'RANfunctionID', 2),
            ie(30, 'reject', 'RICsubscriptionDetails', {
                'ricEventTriggerDefinition': trigger,
                'ricAction-ToBeSetup-List': [ie(19, 'ignore', 'RICaction-ToBeSetup-Item', {
                    'ricActionID': 1, 'ricActionType': 'report', 'ricActionDefinition': action})]}),
        ]})}))

    def indication(sn, message):
        return enc(('initiatingMessage', {
            'procedureCode': 5, 'criticality': 'ignore', 'value': ('RICindication', {'protocolIEs': [
                ricreq,
                ie(5, 'reject', 'RANfunctionID', 2),
                ie(15, 'reject', 'RICactionID', 1),
                ie(27, 'reject', 'RICindicationSN', sn),
                ie(28, 'reject', 'RICindicationType', 'report'),
                ie(25, 'reject', 'RICindicationHeader', header),
                ie(26, 'reject', 'RICindicationMessage', message),
            ]})}))

    return [
        ('setup_request', setup, 'E2 Setup Request: gNB-DU, a KPM v3 RAN function, an F1 component'),
        ('subscription_request', subscription, 'RIC Subscription Request: KPM v3 trigger (1 s), action format 1'),
        ('indication_kpm', indication(42, small), 'RIC Indication: KPM v3 format 1, 4 records of 4 KPIs'),
        ('indication_kpm_large', indication(43, large), 'RIC Indication: KPM v3 format 1, 48 records of 8 KPIs'),
        ('indication_1500B', indication(44, b'\xab' * 1500), 'RIC Indication with a 1500-octet opaque message'),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kpm', default=os.path.join(ROOT, '..', 'shared', 'asn1', 'e2sm-kpm', 'E2SM-KPM-v03.00.asn'))
    ap.add_argument('--out', default=OUT)
    a = ap.parse_args()
    if not os.path.exists(a.kpm):
        sys.exit(f'bench_e2_peers_gen: {a.kpm} not found (the E2SM-KPM v03.00 ASN.1)')
    msgs = e2ap_messages(kpm_payloads(a.kpm))
    with open(a.out, 'w') as f:
        f.write('# E2AP v03.01 messages of the E2AP benchmarks: name, tab, APER hex.\n')
        f.write('# Written by scripts/bench_e2_peers_gen.py (pycrate for E2AP, asn1tools for E2SM-KPM v03.00).\n')
        for name, b, what in msgs:
            f.write(f'# {name}: {what}, {len(b)} octets\n{name}\t{b.hex()}\n')
    for name, b, _ in msgs:
        print(f'{name}: {len(b)} octets')


if __name__ == '__main__':
    main()

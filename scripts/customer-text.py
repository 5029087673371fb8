#!/usr/bin/env python3
"""Adds or updates the customer pages' words in CustomerText.resx (Japanese) and CustomerText.en.resx (English), sorted by key.
Usage: scripts/customer-text.py WORDS.tsv, one line per key: key<TAB>Japanese<TAB>English."""
import sys, xml.etree.ElementTree as ET, os
base = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'BankLink.Server', 'Resources', 'CustomerText')
HEADER = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
</root>
'''
def load(path):
    if not os.path.exists(path):
        open(path, 'w', encoding='utf-8').write(HEADER)
    tree = ET.parse(path)
    return tree
def save(tree, path):
    root = tree.getroot()
    datas = sorted(root.findall('data'), key=lambda d: d.get('name'))
    for d in root.findall('data'): root.remove(d)
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<root>']
    for h in root.findall('resheader'):
        out.append('  <resheader name="%s"><value>%s</value></resheader>' % (h.get('name'), h.find('value').text))
    from xml.sax.saxutils import escape
    for d in datas:
        out.append('  <data name="%s" xml:space="preserve"><value>%s</value></data>' % (d.get('name'), escape(d.find('value').text or '')))
    out.append('</root>')
    open(path, 'w', encoding='utf-8').write('\n'.join(out) + '\n')
def setkey(tree, key, text):
    root = tree.getroot()
    for d in root.findall('data'):
        if d.get('name') == key:
            d.find('value').text = text; return
    d = ET.SubElement(root, 'data', {'name': key}); v = ET.SubElement(d, 'value'); v.text = text
ja = load(base + '.resx'); en = load(base + '.en.resx')
for line in open(sys.argv[1], encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'): continue
    key, j, e = line.split('\t')
    setkey(ja, key, j); setkey(en, key, e)
save(ja, base + '.resx'); save(en, base + '.en.resx')

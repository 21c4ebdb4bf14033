import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  disablesAutoescape, findTemplate, includedLocals, isTemplatePath, loopAliases, printedPaths, referencedViews, unescapedOutputs,
} from '../../../src/scanners/sast/templates/views.js';

describe('template outputs', () => {
  it('reads member paths, element access and call arguments', () => {
    assert.deepEqual(printedPaths(' output.products[i].name '), [['output', 'products', '[]', 'name']]);
    assert.deepEqual(printedPaths('a["b"].c'), [['a', 'b', 'c']]);
    assert.deepEqual(printedPaths('marked(doc.memo)'), [['doc', 'memo']]);
    assert.deepEqual(printedPaths('escape(doc.memo)'), []);
    assert.deepEqual(printedPaths('JSON.stringify(x) + y'), [['y']]);
    assert.deepEqual(printedPaths('"literal" + true'), []);
  });

  it('prints {{ x }} raw only with autoescaping off or a safe filter', () => {
    const text = '<p>{{ a }}</p>\n<p>{{ b | safe }}</p>\n<p>{{ c|e }}</p>\n<p>{{{ d }}}</p>';
    const paths = (off: boolean) => unescapedOutputs('views/x.html', text, off).map((o) => o.path.join('.'));
    assert.deepEqual(paths(false), ['b', 'd']);
    assert.deepEqual(paths(true), ['a', 'b', 'd']);
    const region = '{% autoescape false %}{{ a }}{% endautoescape %}{{ b }}';
    assert.deepEqual(unescapedOutputs('views/x.njk', region).map((o) => o.path.join('.')), ['a']);
  });

  it('knows loop variables and referenced views', () => {
    assert.deepEqual([...loopAliases('{% for k, doc in memos.list %}')], [['doc', ['memos', 'list']]]);
    assert.deepEqual([...loopAliases('<% items.forEach(function (it) { %>')], [['it', ['items']]]);
    assert.deepEqual([...loopAliases('each row in rows')], [['row', ['rows']]]);
    assert.deepEqual(referencedViews('views/a.html', '{% extends "./layout.html" %}{% include "part.html" %}'), ['./layout.html', 'part.html']);
    assert.deepEqual(referencedViews('views/a.ejs', "<%- include('header', { t }) %>"), ['header']);
    assert.deepEqual(includedLocals('views/a.ejs', "<%- include(page) %><%- include(part, { t }) %><%- include('header') %>"), ['page', 'part']);
    assert.deepEqual(includedLocals('views/a.html', '<%- include(page) %>'), []);
    const templates = new Map([['app/views/layout.html', ''], ['app/views/page.html', '']]);
    assert.equal(findTemplate(templates, './layout.html', 'app/views/page.html'), 'app/views/layout.html');
    assert.equal(findTemplate(templates, 'page'), 'app/views/page.html');
  });

  it('treats .html as a template only under views or templates folders', () => {
    assert.ok(isTemplatePath('app/views/memos.html'));
    assert.ok(isTemplatePath('templates/a.html'));
    assert.ok(!isTemplatePath('public/index.html'));
    assert.ok(isTemplatePath('x/y.njk'));
  });

  it('sees autoescaping turned off in code, not in comments', () => {
    assert.ok(disablesAutoescape('swig.setDefaults({ autoescape: false });'));
    assert.ok(disablesAutoescape('Handlebars.compile(src, { noEscape: true })'));
    assert.ok(!disablesAutoescape('/* autoescape: false */ swig.setDefaults({ autoescape: true });'));
    assert.ok(!disablesAutoescape('// autoescape: false\nnunjucks.configure({})'));
  });
});

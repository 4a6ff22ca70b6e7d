"""fraudbook: the logic behind the data book.

Layers, imports flowing one way (a test enforces it):
  paths      where things are (every layer may use it)
  data/      schema, the loader and its rules, numbers in quotes, coverage, bibliography
  kit/       the one vocabulary: qualifiers, words, names, escaping, dates, chart theme, page helpers
  chapters/  one module per template in notebooks/, named as the template is
  pipeline/  manifest, parameters, digests, execution, publishing, site, command line
The pipeline never imports a chapter; chapters never import the pipeline.
"""

"""The pipeline layer (the build): manifest, parameters, digests, execution, publishing, the site, the
table of contents, the command line, the Sphinx extension and the preview server. It reads
data/ and uses the kit; it never imports a chapter (pages reach chapters only inside their
own kernels)."""

"""Platform reports in the shapes hotlines and police receive from NCMEC's CyberTipline: one
reader per format behind one interface (`model.ReportReader`), one importer for all."""

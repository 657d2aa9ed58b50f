"""applications"""

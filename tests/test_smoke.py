def test_story_is_live_under_programme(story, programme):
    assert story.live
    assert story.get_parent().specific == programme
    assert story.programme == programme
